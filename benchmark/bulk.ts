// Bulk issuance through `issuer.issueBatch`: every item validated, allocated
// and durably recorded as a single issue is; from WORKER_BATCH_THRESHOLD
// items the signing runs in the issuer's worker threads.
import type { IssueRequest, Issuer } from '@vneid/issuer';
import { WORKER_BATCH_THRESHOLD } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import type { Figure } from './figures.js';
import { TYPE } from './input.js';
import { MINISTRY } from './world.js';

// issue-batch.ts signs in a fixed pool of two workers; not exported, so stated here for the label.
const WORKERS_IN_PRODUCT = 2;

export interface BulkResult {
  items: number;
  /** One issueBatch call of `items` (worker threads, as the product runs it). */
  workersPerSecond: number;
  /** The same items in batches just under the worker threshold: signed in the calling thread. */
  inThreadPerSecond: number;
  /** One issueBatch of exactly WORKER_BATCH_THRESHOLD items: mostly starting the pool. */
  smallestPoolBatchMs: number;
  /**
   * (items − threshold) / (time of `items` − time of `threshold` items): the
   * pool's rate once started. An estimate from two runs; undefined when noise
   * makes the difference meaningless.
   */
  steadyWorkersPerSecond?: number;
}

async function timed(issuer: Issuer, batches: IssueRequest[][]): Promise<number> {
  const start = performance.now();
  for (const batch of batches) {
    const results = await issuer.issueBatch(batch);
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw new Error(`bulk issuance failed: ${failed.error.code} ${failed.error.message}`);
  }
  return performance.now() - start;
}

export async function measureBulk(issuer: Issuer, items: number): Promise<BulkResult> {
  if (items < WORKER_BATCH_THRESHOLD) throw new RangeError(`bulk runs need at least ${WORKER_BATCH_THRESHOLD} items`);
  const requests = (): IssueRequest[] =>
    Array.from({ length: items }, () => ({ ministry: MINISTRY, type: TYPE, subject: { ...fixtures[TYPE] } }));
  const chunk = WORKER_BATCH_THRESHOLD - 1;
  const all = requests();
  const chunks = Array.from({ length: Math.ceil(items / chunk) }, (_, i) => all.slice(i * chunk, (i + 1) * chunk));
  const inThreadMs = await timed(issuer, chunks);
  const workersMs = await timed(issuer, [requests()]);
  const smallestPoolBatchMs = await timed(issuer, [requests().slice(0, WORKER_BATCH_THRESHOLD)]);
  const extraMs = workersMs - smallestPoolBatchMs;
  const extraItems = items - WORKER_BATCH_THRESHOLD;
  return {
    items,
    workersPerSecond: (items * 1000) / workersMs,
    inThreadPerSecond: (items * 1000) / inThreadMs,
    smallestPoolBatchMs,
    ...(extraItems > 0 && extraMs > 0 ? { steadyWorkersPerSecond: (extraItems * 1000) / extraMs } : {}),
  };
}

/** Rates the bulk and HTTP figures are compared with: the library signing the service's suite, and raw P-256 signing. */
export interface IssueBaselines {
  librarySdPerSecond: number;
  rawP256SignPerSecond: number;
}

export function issueBaselineColumns(b: IssueBaselines): Pick<Figure, 'library' | 'raw'> {
  return {
    library: { label: 'signCredentialWithLibrary ecdsa-sd-2023, one thread', value: b.librarySdPerSecond },
    raw: { label: 'P-256 sign', value: b.rawP256SignPerSecond },
  };
}

export function bulkFigures(r: BulkResult, baselines: IssueBaselines): Figure[] {
  const ratio = r.workersPerSecond / r.inThreadPerSecond;
  return [
    {
      key: 'bulk.workers',
      name: `bulk: issueBatch of ${r.items} cards, ${WORKERS_IN_PRODUCT} worker threads (the issuer's fixed pool)`,
      unit: 'items/s',
      ours: { value: r.workersPerSecond },
      ...issueBaselineColumns(baselines),
      notes: [
        `${ratio.toFixed(2)}× the in-thread rate below`,
        `includes starting the worker threads, once per batch (here from TypeScript sources under tsx): ` +
          `a batch of ${WORKER_BATCH_THRESHOLD} took ${(r.smallestPoolBatchMs / 1000).toFixed(1)} s`,
        r.steadyWorkersPerSecond === undefined
          ? 'rate once the pool runs: not estimable from this run'
          : `rate once the pool runs ≈ ${r.steadyWorkersPerSecond.toFixed(1)} items/s ` +
            `(estimate: the ${r.items - WORKER_BATCH_THRESHOLD} items beyond a ${WORKER_BATCH_THRESHOLD}-item batch, over the extra time)`,
        'a 1-worker run is not possible: issueBatch has no worker-count option (2 is a constant)',
      ],
    },
    {
      key: 'bulk.in-thread',
      name: `bulk: the same ${r.items} cards in batches of ${WORKER_BATCH_THRESHOLD - 1} (signed in the calling thread)`,
      unit: 'items/s',
      ours: { value: r.inThreadPerSecond },
      ...issueBaselineColumns(baselines),
    },
  ];
}
