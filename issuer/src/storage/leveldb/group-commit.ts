import { VneidError } from '@vneid/core';

/**
 * Why the writer refused: the batch carrying these operations failed
 * (`write-failed`), or an earlier batch failed and the writer has stopped
 * (`writes-stopped`).
 */
export type StorageWriteFailure = 'write-failed' | 'writes-stopped';

/**
 * A durable write failed, or the writer stopped after one; nothing more is
 * written until the issuer is reopened.
 * Code `STORAGE_WRITE_FAILED` (HTTP 503); `details.reason` tells the two
 * cases apart.
 */
export class StorageWriteError extends VneidError {
  declare readonly details: { reason: StorageWriteFailure };
  constructor(reason: StorageWriteFailure, options: { cause?: unknown } = {}) {
    super(
      'STORAGE_WRITE_FAILED',
      reason === 'write-failed'
        ? 'the issuer database could not durably write this change; the issuer refuses further writes until it is reopened'
        : 'an earlier write to the issuer database failed; the issuer refuses further writes until it is reopened',
      { ...options, details: { reason } },
    );
  }
}

/** Counters of a {@link GroupCommit}, for tests and metrics. */
export interface GroupCommitStats {
  /** Synced batches written successfully. */
  batches: number;
  /** Calls of `write` made durable (each in exactly one batch). */
  writes: number;
  /** Calls of `write` waiting for the batch in flight to finish. */
  queued: number;
}

/**
 * The issuer's single writer. Every durable change goes through `write`;
 * writes queued while a batch is being synced are written together in the
 * next one (group commit), in the order they were queued.
 */
export interface GroupCommit<O> {
  /**
   * Queues `ops` synchronously, before returning, and resolves once the
   * batch holding them is synced. `onDurable` runs right then, in queue
   * order, before any later write resolves.
   *
   * @throws {StorageWriteError} (as a rejection) when this batch or an earlier one failed.
   */
  write(ops: O[], onDurable?: () => void): Promise<void>;
  /** Resolves once nothing is queued or being written. */
  drain(): Promise<void>;
  /** The failure that stopped the writer, if any. */
  readonly failure: StorageWriteError | undefined;
  stats(): GroupCommitStats;
}

interface Pending<O> {
  ops: O[];
  onDurable: (() => void) | undefined;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A leader/follower group commit over `writeBatch` (one atomic, synced
 * batch per call). An idle writer starts a batch at once, so a lone write
 * never waits for a window; while a batch is in flight, later writes queue
 * and all of them go in the next batch. There is no timer.
 *
 * Order: callers queue inside the issuer's mutex, so the queue is in mutex
 * order, which is the order of the audit chain; a batch keeps that order,
 * and batches are written one at a time.
 *
 * Failure stops the writer (fail-stop). Callers queue their changes before
 * they are durable, so the in-memory audit tip (and allocation state) has
 * already moved on past the failed batch, and writes queued behind it chain
 * onto entries that are not on disk. Rolling memory back is not enough
 * either: after a failed sync the batch may or may not be in LevelDB's log
 * (and be replayed on the next open), and LevelDB itself keeps refusing
 * writes after a failed log write. So every caller of the failed batch and
 * every queued one is rejected, every later write is refused with the same
 * code, and reopening the issuer rebuilds its state from what is on disk.
 * No caller is ever told a change is durable when it is not.
 */
export function createGroupCommit<O>(writeBatch: (ops: O[]) => Promise<void>): GroupCommit<O> {
  let queue: Pending<O>[] = [];
  let flushing = false;
  let failure: StorageWriteError | undefined;
  let idle: Array<() => void> = [];
  const stats = { batches: 0, writes: 0 };

  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0 && failure === undefined) {
      const group = queue;
      queue = [];
      try {
        await writeBatch(group.flatMap((p) => p.ops));
      } catch (cause) {
        failure = new StorageWriteError('write-failed', { cause });
        for (const p of group) p.reject(failure);
        // Queued behind the failed batch: their audit entries chain onto it.
        const behind = queue;
        queue = [];
        for (const p of behind) p.reject(new StorageWriteError('writes-stopped', { cause: failure }));
        break;
      }
      stats.batches += 1;
      stats.writes += group.length;
      for (const p of group) {
        try {
          p.onDurable?.();
          p.resolve();
        } catch (error) {
          // Its ops are on disk, but the caller's bookkeeping failed: it hears
          // about it rather than the writer stalling for everyone.
          p.reject(error);
        }
      }
    }
    flushing = false;
    const waiting = idle;
    idle = [];
    for (const resolve of waiting) resolve();
  };

  return {
    write(ops, onDurable) {
      if (failure) return Promise.reject(new StorageWriteError('writes-stopped', { cause: failure }));
      const written = new Promise<void>((resolve, reject) => {
        queue.push({ ops, onDurable, resolve, reject });
      });
      if (!flushing) void flush();
      return written;
    },
    drain() {
      return flushing ? new Promise<void>((resolve) => idle.push(resolve)) : Promise.resolve();
    },
    get failure() {
      return failure;
    },
    stats: () => ({ ...stats, queued: queue.length }),
  };
}
