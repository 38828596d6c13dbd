/**
 * Group commit for PostgreSQL writes that end on the audit head. Every
 * audited write locks the one head row, and PostgreSQL releases it only once
 * the commit is durable (flushed, and acknowledged by a synchronous standby):
 * one write per transaction caps a whole issuer near one write per commit
 * latency, however many replicas run. Calls that arrive while a group is
 * being committed wait and go together into the next transaction, so the
 * head is locked once per group; under no load a group is one call and
 * nothing waits. Each call keeps its own outcome (the engine isolates them
 * with savepoints); a failure of the transaction itself fails every call of
 * the group, none of which was then written.
 */
export type GroupOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface CommitGroupOptions {
  /** Most calls per transaction (bounds the transaction's size and its lock time). */
  maxItems: number;
  /**
   * Groups in flight at once (default 1): with 2, one group runs its statements
   * while the other commits; they still meet at the audit head.
   */
  concurrency?: number;
}

interface Waiting<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Returns `submit(item)`: resolves or rejects with that item's outcome from
 * `commit`, which receives the items of one group and answers one outcome
 * per item, in order.
 */
export function createCommitGroup<I, R>(
  commit: (items: I[]) => Promise<Array<GroupOutcome<R>>>,
  options: CommitGroupOptions,
): (item: I) => Promise<R> {
  if (!(options.maxItems >= 1)) throw new RangeError('maxItems must be at least 1');
  const concurrency = options.concurrency ?? 1;
  if (!(concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
  const queue: Array<Waiting<I, R>> = [];
  let running = 0;

  const drain = async () => {
    running += 1;
    try {
      while (queue.length > 0) {
        const group = queue.splice(0, options.maxItems);
        let outcomes: Array<GroupOutcome<R>>;
        try {
          outcomes = await commit(group.map((w) => w.item));
        } catch (error) {
          for (const w of group) w.reject(error);
          continue;
        }
        group.forEach((w, i) => {
          const outcome = Array.isArray(outcomes) ? outcomes[i] : undefined;
          if (!outcome) w.reject(new Error('commit group answered fewer outcomes than items'));
          else if (outcome.ok) w.resolve(outcome.value);
          else w.reject(outcome.error);
        });
      }
    } finally {
      running -= 1;
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running < concurrency) void drain();
    });
}
