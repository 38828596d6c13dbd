/**
 * A value computed by an expensive probe (a walk over the audit log or the
 * issuance records) that a scrape reads without waiting for it: the first
 * read, or every read when `ttlMs` is 0, waits; later reads answer the last
 * value and start one refresh in the background once it is older than `ttlMs`.
 */
export interface CachedProbe<T> {
  read(): Promise<T | undefined>;
  /** Runs the probe now and waits for it. */
  refresh(): Promise<T | undefined>;
}

export function cachedProbe<T>(
  probe: () => Promise<T>,
  ttlMs: number,
  onError: (error: unknown) => void,
): CachedProbe<T> {
  let value: T | undefined;
  let at = Number.NEGATIVE_INFINITY;
  let running: Promise<T | undefined> | undefined;
  const refresh = (): Promise<T | undefined> => {
    running ??= probe()
      .then(
        (v) => {
          value = v;
          return v;
        },
        (error: unknown) => {
          onError(error);
          return value;
        },
      )
      .finally(() => {
        at = Date.now();
        running = undefined;
      });
    return running;
  };
  return {
    async read() {
      if (value === undefined || ttlMs === 0) return refresh();
      if (Date.now() - at > ttlMs) void refresh();
      return value;
    },
    refresh,
  };
}
