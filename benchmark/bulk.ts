// Bulk issuance through `issuer.issueBatch`: every item validated, allocated
// and durably recorded as a single issue is, signed either in the calling
// thread or in signing worker threads. The worker scaling target compares an
// issuer keeping one signing worker with one keeping two, both warmed.
import type { IssueBatchOptions, IssueRequest, Issuer } from '@vneid/issuer';
import { WORKER_BATCH_THRESHOLD } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import type { Figure } from './figures.js';
import { TYPE } from './input.js';
import { openIssuer } from './issuers.js';
import type { RawName } from './raw.js';
import { MINISTRY } from './world.js';

/** Items of the untimed first batch on each issuer: starts the workers' modules and warms every thread's JIT. */
const WARM_ITEMS = WORKER_BATCH_THRESHOLD;

export interface BulkRow {
  items: number;
  ms: number;
  perSecond: number;
  /** items/s of each timed batch, in run order. */
  batches: number[];
}

export interface BulkResult {
  items: number;
  batches: number;
  /** signingWorkers 0, issueBatch `{ workers: 0 }`. */
  inThread: BulkRow;
  /** Issuers keeping 1 and 2 signing workers for their life. */
  one: BulkRow;
  two: BulkRow;
  /** One batch of `items` with `{ workers: 2 }` on an issuer keeping none: the pool starts and stops with the batch. */
  cold: BulkRow & {
    /** Estimate: the cold batch's time minus the same items at the kept 2-worker pool's rate. */
    startupMs: number;
  };
}

const requests = (n: number): IssueRequest[] =>
  Array.from({ length: n }, () => ({ ministry: MINISTRY, type: TYPE, subject: { ...fixtures[TYPE] } }));

async function timed(issuer: Issuer, items: number, options: IssueBatchOptions): Promise<number> {
  const batch = requests(items);
  const start = performance.now();
  const results = await issuer.issueBatch(batch, options);
  const ms = performance.now() - start;
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) throw new Error(`bulk issuance failed: ${failed.error.code} ${failed.error.message}`);
  return ms;
}

function row(items: number, times: readonly number[]): BulkRow {
  const ms = times.reduce((a, b) => a + b, 0);
  const per = items / times.length;
  return { items, ms, perSecond: (items * 1000) / ms, batches: times.map((t) => (per * 1000) / t) };
}

/**
 * Issues `items` cards per configuration in `batches` batches, the
 * configurations interleaved (and their order rotated each round) so a
 * change in the machine's load falls on all of them alike.
 */
export async function measureBulk(dir: string, items: number, batches: number): Promise<BulkResult> {
  if (items < WORKER_BATCH_THRESHOLD) throw new RangeError(`bulk runs need at least ${WORKER_BATCH_THRESHOLD} items`);
  if (!Number.isInteger(items / batches)) throw new RangeError('bulk items must divide into equal batches');
  const opened: Issuer[] = [];
  const open = async (name: string, signingWorkers: number) => {
    const issuer = await openIssuer(dir, name, signingWorkers);
    opened.push(issuer);
    return issuer;
  };
  try {
    const inThread = await open('bulk-in-thread', 0);
    const one = await open('bulk-1-worker', 1);
    const two = await open('bulk-2-workers', 2);
    const configs = [
      { name: 'inThread', issuer: inThread, options: { workers: 0 } },
      { name: 'one', issuer: one, options: {} },
      { name: 'two', issuer: two, options: {} },
    ] as const;
    const times: Record<(typeof configs)[number]['name'], number[]> = { inThread: [], one: [], two: [] };
    for (const c of configs) await timed(c.issuer, WARM_ITEMS, c.options);
    for (let round = 0; round < batches; round++) {
      for (let k = 0; k < configs.length; k++) {
        const c = configs[(round + k) % configs.length] as (typeof configs)[number];
        times[c.name].push(await timed(c.issuer, items / batches, c.options));
      }
    }
    const twoRow = row(items, times.two);
    const coldMs = await timed(inThread, items, { workers: 2 });
    return {
      items,
      batches,
      inThread: row(items, times.inThread),
      one: row(items, times.one),
      two: twoRow,
      cold: { ...row(items, [coldMs]), startupMs: coldMs - (items * 1000) / twoRow.perSecond },
    };
  } finally {
    await Promise.all(opened.map((issuer) => issuer.close()));
  }
}

/** A suite's single-thread library signing rate and its raw primitive's rate, from the timed part of this run. */
export interface SuiteBaseline {
  suite: 'ecdsa-sd-2023' | 'eddsa-rdfc-2022';
  libraryPerSecond: number;
  raw: RawName;
  rawPerSecond: number;
}

export function issueBaselineColumns(b: SuiteBaseline): Pick<Figure, 'library' | 'raw'> {
  return {
    library: { label: `signCredentialWithLibrary ${b.suite}, one thread`, value: b.libraryPerSecond },
    raw: { label: b.raw, value: b.rawPerSecond },
  };
}

const rates = (r: BulkRow) => r.batches.map((b) => b.toFixed(1)).join(', ');

export function bulkFigures(r: BulkResult, sd: SuiteBaseline): Figure[] {
  const per = r.items / r.batches;
  const how = `${r.batches} batches of ${per}, interleaved with the other rows; items/s per batch: `;
  const columns = issueBaselineColumns(sd);
  return [
    {
      key: 'bulk.in-thread',
      name: `bulk: issueBatch of ${r.items} cards (ecdsa-sd-2023) signed in the calling thread (signingWorkers 0, workers: 0)`,
      unit: 'items/s',
      ours: { value: r.inThread.perSecond },
      ...columns,
      notes: [how + rates(r.inThread)],
    },
    {
      key: 'bulk.pool-1',
      name: `bulk: issueBatch of ${r.items} cards, issuer keeping 1 signing worker (signingWorkers: 1, warmed)`,
      unit: 'items/s',
      ours: { value: r.one.perSecond },
      ...columns,
      notes: [how + rates(r.one), `${(r.one.perSecond / r.inThread.perSecond).toFixed(2)}× the calling thread`],
    },
    {
      key: 'bulk.pool-2',
      name: `bulk: issueBatch of ${r.items} cards, issuer keeping 2 signing workers (signingWorkers: 2, warmed)`,
      unit: 'items/s',
      ours: { value: r.two.perSecond },
      ...columns,
      notes: [
        how + rates(r.two),
        `${(r.two.perSecond / r.one.perSecond).toFixed(2)}× one worker (target ≥ 1.8×); ` +
          `${(r.two.perSecond / r.inThread.perSecond).toFixed(2)}× the calling thread`,
        `each pool warmed by an untimed first batch of ${WARM_ITEMS}; validation, allocation and the durable write stay in the calling thread`,
      ],
    },
    {
      key: 'bulk.cold-2',
      name: `bulk: one issueBatch of ${r.items} cards with workers: 2 on an issuer keeping none (pool started for the batch)`,
      unit: 'items/s',
      ours: { value: r.cold.perSecond },
      ...columns,
      notes: [
        `took ${(r.cold.ms / 1000).toFixed(2)} s; the same ${r.items} items at the kept 2-worker rate take ` +
          `${(r.items / r.two.perSecond).toFixed(2)} s, so starting (and stopping) the pool costs ≈ ` +
          `${(r.cold.startupMs / 1000).toFixed(2)} s per batch (estimate from two runs)`,
      ],
    },
  ];
}
