import { randomUUID } from 'node:crypto';
import { findVneidError, type JsonObject, MalformedValueError, VneidError } from '@vneid/core';
import type { Logger } from 'pino';
import type { Issuer } from '../create-issuer.js';
import type { BatchItemResult, BatchRecord } from '../storage/contract.js';
import { planIssue } from './issue-route.js';
import { statusOf } from './problem.js';

/** Options of {@link createBatchRunner}. */
export interface BatchRunnerOptions {
  /** Items of one batch issued at the same time; default 4 (the signing workers do the heavy part). */
  concurrency?: number;
  /** Milliseconds before a batch stopped by a storage failure is tried again; default 5000. */
  retryMs?: number;
  /**
   * Unfinished batches of one ministry this process holds at once; a further
   * submission is RATE_LIMITED. Each running batch holds its items in memory,
   * and a submission costs one request of the rate limit. Default 4.
   */
  maxPendingPerMinistry?: number;
  /**
   * Milliseconds between looks for unfinished batches this process does not
   * run (on PostgreSQL, those of a replica that died and may never come
   * back: `resume` at start alone would leave them pending forever); 0 turns
   * it off. Default 60000 on PostgreSQL, 0 on LevelDB (one process).
   */
  sweepMs?: number;
  /** A batch is taken over by the sweep once it is this old (ms), so live replicas rarely work on one batch twice; default 300000. */
  takeOverAfterMs?: number;
  now?: () => Date;
  logger?: Logger;
}

/** Where a batch stands. */
export interface AsyncBatchStatus {
  id: string;
  total: number;
  completed: number;
  issued: number;
  refused: number;
  state: 'pending' | 'finished';
  createdAt: string;
  finishedAt: string | null;
}

/** One item of the results: the credential, or the problem that refused it. */
export type BatchItemOutcome =
  | { index: number; status: 'issued'; verifiableCredential: JsonObject }
  | { index: number; status: 'refused'; problem: Extract<BatchItemResult, { status: 'refused' }>['problem'] };

/** Runs asynchronous issuance batches in the service process. */
export interface BatchRunner {
  /** Stores the batch and its items durably (then answers), and starts issuing them. */
  submit(ministry: string, items: JsonObject[]): Promise<AsyncBatchStatus>;
  /** @throws BATCH_NOT_FOUND also for another ministry's batch (its existence is not revealed). */
  progress(id: string, ministry: string): Promise<AsyncBatchStatus>;
  results(id: string, ministry: string): Promise<{ progress: AsyncBatchStatus; results: BatchItemOutcome[] }>;
  /** Picks up every unfinished batch in the store (after a restart). */
  resume(): Promise<void>;
  /** Stops taking new items and waits for the ones being issued. */
  close(): Promise<void>;
}

const BATCH_ID = /^[0-9a-f-]{36}$/;

class Transient extends Error {}

/**
 * Asynchronous batches, durable through the storage contract: the items are
 * stored with the batch before the 202; each item is issued with an
 * idempotency key (the item's own `idempotencyKey`, or `batch:<id>:<index>`),
 * so the credential and the key commit in one unit; its result is written
 * right after. After a crash between the two, the resumed batch issues the
 * item again under the same key and gets the stored credential back — never
 * a second credential or status index. Each item goes through exactly the
 * checks of POST /credentials/issue ({@link planIssue} and the library).
 * Refusals (a 4xx code) become that item's result; a storage failure stops
 * the batch, which is tried again later.
 */
export function createBatchRunner(issuer: Issuer, options: BatchRunnerOptions = {}): BatchRunner {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new RangeError('concurrency must be an integer from 1 to 64');
  }
  const retryMs = options.retryMs ?? 5000;
  const maxPending = options.maxPendingPerMinistry ?? 4;
  if (!Number.isInteger(maxPending) || maxPending < 1) throw new RangeError('maxPendingPerMinistry must be at least 1');
  // Batch ids per ministry from start to finish (also while waiting for a retry).
  const pending = new Map<string, Set<string>>();
  const pendingOf = (ministry: string): Set<string> => {
    const ids = pending.get(ministry) ?? new Set<string>();
    pending.set(ministry, ids);
    return ids;
  };
  const now = options.now ?? (() => new Date());
  const store = issuer.batches;
  const running = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const crossMinistryAudited = new Set<string>();
  // LevelDB has one process, whose `resume` at start sees every batch: no sweep (it would scan every batch ever).
  const sweepMs = options.sweepMs ?? (issuer.storageEngine === 'postgres' ? 60_000 : 0);
  const takeOverAfterMs = options.takeOverAfterMs ?? 300_000;
  // Two runners on one batch are safe (items are idempotent, first result wins), only wasteful.
  const sweeper =
    sweepMs > 0
      ? setInterval(() => {
          store
            .unfinishedBatches()
            .then((batches) => {
              const cutoff = now().getTime() - takeOverAfterMs;
              for (const b of batches) if (new Date(b.createdAt).getTime() <= cutoff) start(b);
            })
            .catch((error) => options.logger?.warn({ err: error }, 'batch sweep failed; trying again later'));
        }, sweepMs)
      : undefined;
  sweeper?.unref();

  const processItem = async (batch: BatchRecord, index: number, item: JsonObject): Promise<void> => {
    const idempotencyKey = typeof item.idempotencyKey === 'string' ? item.idempotencyKey : `batch:${batch.id}:${index}`;
    let result: BatchItemResult;
    let crossMinistry = false;
    try {
      // The `batch:` keys are the runner's own: a caller's key there could collide with another batch's item.
      if (
        item.idempotencyKey !== undefined &&
        (typeof item.idempotencyKey !== 'string' || item.idempotencyKey.startsWith('batch:'))
      ) {
        throw new MalformedValueError('idempotencyKey must be a string not starting with "batch:"', {
          details: { pointer: '/idempotencyKey' },
        });
      }
      const { idempotencyKey: _own, ...body } = item;
      const plan = planIssue(issuer, batch.ministry, body, idempotencyKey, undefined, () => {
        crossMinistry = true;
      });
      if (plan.kind === 'general') {
        throw new MalformedValueError('a batch carries document types only (general credentials have no idempotency)', {
          details: { pointer: '/credential/type' },
        });
      }
      const credential = await issuer.issue(plan.request);
      result = { index, status: 'issued', credentialId: String(credential.id), idempotencyKey };
    } catch (error) {
      const ours = findVneidError(error);
      const status = ours ? statusOf(ours) : 500;
      if (!ours || status >= 500) throw new Transient('storage or signing failure', { cause: error });
      // As POST /credentials/issue records it; once per batch, so a batch of such items cannot flood the chain.
      if (crossMinistry && !crossMinistryAudited.has(batch.id)) {
        crossMinistryAudited.add(batch.id);
        await issuer
          .recordSecurityEvent('cross-ministry-refused', {
            ministry: batch.ministry,
            action: 'batch',
            batch: batch.id,
            index,
          })
          .catch((err) =>
            options.logger?.warn({ err, batch: batch.id }, 'security event not written to the audit log'),
          );
      }
      const problem: Extract<BatchItemResult, { status: 'refused' }>['problem'] = {
        code: ours.code,
        detail: ours.message,
      };
      if (Array.isArray(ours.details?.violations)) problem.violations = ours.details.violations as unknown[];
      if (typeof ours.details?.pointer === 'string') problem.pointer = ours.details.pointer;
      result = { index, status: 'refused', problem };
    }
    await store.putBatchResult(batch.id, result);
  };

  const work = async (batch: BatchRecord): Promise<void> => {
    const items = await store.pendingBatchItems(batch.id);
    let next = 0;
    const worker = async () => {
      while (!closed && next < items.length) {
        const { index, item } = items[next++] as { index: number; item: JsonObject };
        await processItem(batch, index, item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, items.length)) }, worker));
    if (closed) return;
    const results = await store.batchResults(batch.id);
    if (results.length >= batch.total) {
      await store.finishBatch(batch.id, now().toISOString());
      pendingOf(batch.ministry).delete(batch.id);
      crossMinistryAudited.delete(batch.id);
    }
  };

  const start = (batch: BatchRecord): void => {
    if (closed || running.has(batch.id)) return;
    pendingOf(batch.ministry).add(batch.id);
    const run = work(batch)
      .catch((error) => {
        if (closed) return;
        options.logger?.warn({ batch: batch.id, err: (error as Error).cause ?? error }, 'batch stopped; retrying');
        const timer = setTimeout(() => {
          timers.delete(timer);
          start(batch);
        }, retryMs);
        timer.unref();
        timers.add(timer);
      })
      .finally(() => running.delete(batch.id));
    running.set(batch.id, run);
  };

  const load = async (id: string, ministry: string): Promise<BatchRecord> => {
    const batch = BATCH_ID.test(id) ? await store.getBatch(id) : undefined;
    if (!batch || batch.ministry !== ministry) throw new VneidError('BATCH_NOT_FOUND', 'no such batch');
    return batch;
  };
  const progressOf = (batch: BatchRecord, results: BatchItemResult[]): AsyncBatchStatus => {
    const issued = results.filter((r) => r.status === 'issued').length;
    return {
      id: batch.id,
      total: batch.total,
      completed: results.length,
      issued,
      refused: results.length - issued,
      state: batch.finishedAt ? 'finished' : 'pending',
      createdAt: batch.createdAt,
      finishedAt: batch.finishedAt ?? null,
    };
  };

  return {
    async submit(ministry, items) {
      if (closed) throw new VneidError('STORAGE_UNAVAILABLE', 'the service is stopping');
      const held = pendingOf(ministry);
      if (held.size >= maxPending) {
        throw new VneidError('RATE_LIMITED', `at most ${maxPending} unfinished batches per ministry`, {
          details: { retryAfter: Math.max(1, Math.ceil(retryMs / 1000)) },
        });
      }
      const batch: BatchRecord = { id: randomUUID(), ministry, total: items.length, createdAt: now().toISOString() };
      // Held before the first await, so concurrent submissions cannot all pass the check.
      held.add(batch.id);
      try {
        await store.createBatch(batch, items);
        await issuer.audit('batch.submit', { batch: batch.id, ministry, total: items.length });
      } catch (error) {
        held.delete(batch.id);
        throw error;
      }
      start(batch);
      return progressOf(batch, []);
    },
    async progress(id, ministry) {
      const batch = await load(id, ministry);
      return progressOf(batch, await store.batchResults(id));
    },
    async results(id, ministry) {
      const batch = await load(id, ministry);
      const stored = await store.batchResults(id);
      const results: BatchItemOutcome[] = [];
      for (const r of stored) {
        if (r.status === 'refused') {
          results.push({ index: r.index, status: 'refused', problem: r.problem });
          continue;
        }
        const found = await store.findIdempotent(ministry, r.idempotencyKey);
        if (!found) throw new VneidError('INTERNAL_ERROR', 'an issued batch item lost its credential');
        results.push({ index: r.index, status: 'issued', verifiableCredential: found.credential });
      }
      return { progress: progressOf(batch, stored), results };
    },
    async resume() {
      for (const batch of await store.unfinishedBatches()) start(batch);
    },
    async close() {
      closed = true;
      clearInterval(sweeper);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...running.values()]);
    },
  };
}
