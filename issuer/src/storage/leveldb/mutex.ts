/**
 * Runs async sections one at a time. Index allocation, the audit chain head
 * and the status bits are read-modify-write state: two interleaved sections
 * would hand out one index twice or fork the chain.
 */
export function createMutex(): <T>(section: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(section: () => Promise<T>): Promise<T> => {
    const run = tail.then(section, section);
    tail = run.catch(() => undefined);
    return run;
  };
}
