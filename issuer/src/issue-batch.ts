import { type ErrorCode, type JsonObject, toVneidError } from '@vneid/core';
import { defaultSigner } from './issue.js';
import type { IssuerContext } from './lib/context.js';
import { type IssueRequest, issueRequest, type Signer } from './lib/issue-core.js';
import { typeContexts } from './lib/loader.js';
import { createSigningPool } from './lib/worker-pool.js';

/** The outcome of one item of a batch. */
export type BatchResult =
  | { ok: true; credential: JsonObject }
  | {
      ok: false;
      error: {
        code: ErrorCode | 'TYPE_ERROR';
        message: string;
        /** For SCHEMA_VALIDATION_ERROR: each violation with the field's JSON pointer. */
        violations?: Array<{ pointer: string; code: string; message?: string }>;
      };
    };

/** Progress after each finished item. */
export interface BatchProgress {
  done: number;
  total: number;
  succeeded: number;
  failed: number;
}

export interface IssueBatchOptions {
  onProgress?: (progress: BatchProgress) => void;
  /**
   * Each item's result as soon as it is final: an issued credential once its
   * record is durably committed, a refusal once refused. Lets a caller write
   * results as they commit instead of holding them all to the end.
   */
  onResult?: (index: number, result: BatchResult) => void;
  /**
   * Signing threads started for this batch when it has at least
   * {@link WORKER_BATCH_THRESHOLD} items and the issuer keeps none of its
   * own (`signingWorkers`); default 2, 0 signs in the calling thread.
   */
  workers?: number;
  /**
   * Stops the batch early (SIGINT in the CLI): items already started finish
   * and are reported as usual; items not yet started are not issued and come
   * back refused with BATCH_INTERRUPTED, without an `onResult` call (nothing
   * was decided for them, so a caller writing results writes none).
   */
  signal?: AbortSignal;
}

/** Batches of at least this many items sign in worker threads. */
export const WORKER_BATCH_THRESHOLD = 32;
const WORKERS = 2;
// Enough in flight to keep both workers busy while the main thread allocates and writes.
const IN_FLIGHT = 8;

/**
 * Issues many credentials; a bad item fails alone. Every item is validated,
 * allocated and recorded in the main thread exactly as {@link issue} does.
 * Signing runs in the issuer's own signing threads when it keeps them
 * (`signingWorkers`), else from {@link WORKER_BATCH_THRESHOLD} items in
 * `workers` threads started for the batch. Results are in request order.
 *
 * @example
 * const results = await issuer.issueBatch(requests, { onProgress: (p) => bar.update(p.done) });
 * results.filter((r) => !r.ok).map((r) => r.error.code) // e.g. ['SCHEMA_VALIDATION_ERROR']
 */
export async function issueBatch(
  ctx: IssuerContext,
  requests: IssueRequest[],
  options: IssueBatchOptions = {},
): Promise<BatchResult[]> {
  if (!Array.isArray(requests)) throw new TypeError('requests must be an array');
  const total = requests.length;
  const results: BatchResult[] = new Array(total);
  const workers = options.workers ?? WORKERS;
  if (!Number.isInteger(workers) || workers < 0 || workers > 64)
    throw new TypeError('workers must be an integer from 0 to 64');
  const pool =
    !ctx.signingPool && workers > 0 && total >= WORKER_BATCH_THRESHOLD
      ? createSigningPool(workers, typeContexts())
      : undefined;
  const sign: Signer = pool ? (job, key) => pool.sign(job, key.export({ includeSecret: true })) : defaultSigner(ctx);
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  const runOne = async (i: number): Promise<void> => {
    const request = requests[i] as IssueRequest;
    try {
      results[i] = { ok: true, credential: await issueRequest(ctx, request, sign) };
      succeeded += 1;
    } catch (error) {
      const e = error instanceof TypeError ? undefined : toVneidError(error, 'PROOF_GENERATION_ERROR', 'failed');
      const violations = Array.isArray(e?.details?.violations)
        ? (e.details.violations as Array<{ pointer: string; code: string; message?: string }>)
        : undefined;
      results[i] = {
        ok: false,
        error: e
          ? { code: e.code, message: e.message, ...(violations ? { violations } : {}) }
          : { code: 'TYPE_ERROR', message: (error as Error).message },
      };
      failed += 1;
    }
    options.onResult?.(i, results[i] as BatchResult);
    options.onProgress?.({ done: succeeded + failed, total, succeeded, failed });
  };
  const lane = async (): Promise<void> => {
    while (next < total && !options.signal?.aborted) await runOne(next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, total) }, lane));
  } finally {
    await pool?.close();
  }
  for (let i = next; i < total; i++) {
    results[i] = { ok: false, error: { code: 'BATCH_INTERRUPTED', message: 'the batch was stopped before this item' } };
  }
  return results;
}
