/**
 * Runs async work one at a time per key, in call order, and work under
 * different keys concurrently. LevelDB (and a store written through from
 * memory) has no compare-and-set: two read-compare-write steps on one key in
 * flight at once would both read the old value before either writes. Queued
 * per key, each step reads what the one before it wrote; this process being
 * the only writer (LevelDB locks its folder) makes that enough.
 */
export function createKeyedQueue(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const inFlight = new Map<string, Promise<unknown>>();
  return async (key, work) => {
    const run = (inFlight.get(key) ?? Promise.resolve()).then(work);
    // The next in line waits for this one to settle, not to succeed.
    const tail = run.catch(() => undefined);
    inFlight.set(key, tail);
    try {
      return await run;
    } finally {
      if (inFlight.get(key) === tail) inFlight.delete(key);
    }
  };
}
