/**
 * Counts failed authentications per source (an address, or the SHA-256 of a
 * presented key) in a sliding window, in memory only. The metric built on it
 * is the NUMBER of sources over the threshold — never the sources themselves,
 * which would leak identifiers and grow without bound as labels.
 */
export interface AuthBursts {
  record(kind: 'address' | 'key', source: string, at?: number): void;
  /** Sources of each kind with at least `threshold` failures in the window ending at `at`. */
  bursting(at?: number): { address: number; key: number };
}

export function createAuthBursts(options: { windowMs: number; threshold: number; maxSources?: number }): AuthBursts {
  const maxSources = options.maxSources ?? 10_000;
  const seen = { address: new Map<string, number[]>(), key: new Map<string, number[]>() };
  const prune = (times: number[], at: number) => {
    while (times.length > 0 && (times[0] as number) <= at - options.windowMs) times.shift();
  };
  return {
    record(kind, source, at = Date.now()) {
      const map = seen[kind];
      let times = map.get(source);
      if (!times) {
        // Bounded memory under a flood of distinct sources: forget the oldest.
        if (map.size >= maxSources) map.delete(map.keys().next().value as string);
        times = [];
        map.set(source, times);
      }
      prune(times, at);
      // Past the threshold the exact count does not matter; keep the array short.
      if (times.length >= options.threshold) times.shift();
      times.push(at);
    },
    bursting(at = Date.now()) {
      const count = (map: Map<string, number[]>) => {
        let n = 0;
        for (const [source, times] of map) {
          prune(times, at);
          if (times.length === 0) map.delete(source);
          else if (times.length >= options.threshold) n++;
        }
        return n;
      };
      return { address: count(seen.address), key: count(seen.key) };
    },
  };
}
