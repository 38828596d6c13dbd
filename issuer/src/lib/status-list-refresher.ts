import { randomInt } from 'node:crypto';
import { StorageUnavailableError } from '../storage/errors.js';
import type { IssuerContext } from './context.js';
import { currentSignedList } from './status-lists.js';

/** Lists this process re-signs at once in the background: signing is CPU, the rest is waiting on the store. */
export const REFRESH_CONCURRENCY = 2;

/** Seconds a list whose publication failed is left alone when its error names no `retryAfter`. */
const DEFAULT_RETRY_AFTER = 60;

/** Reports a background failure (the service logs it). */
export type BackgroundErrorHandler = (error: unknown, about: { task: 'status-list-refresh'; listId: string }) => void;

/** Publishes status lists off the request path (see {@link createStatusListRefresher}). */
export interface StatusListRefresher {
  /** Queues lists to be brought up to date; returns at once. Lists already queued or running are not added twice. */
  schedule(listIds: Iterable<string>): void;
  /** Stops taking work and waits for the publications in flight. */
  close(): Promise<void>;
}

/**
 * The one background publisher of status lists in this process. The index
 * (`GET /status-lists/`) must answer in one storage read whatever the number
 * of lists, so it never signs: it lists the held copy of a list that is due
 * (still valid: the refresh period is at most half the validity by default)
 * and announces a changed one as newer than its copy (the verifier then
 * fetches that list, and `GET /status-lists/:id` publishes it as before),
 * and hands both kinds here. Lists signed together come due together, so
 * thousands may arrive at once: they are published at most
 * {@link REFRESH_CONCURRENCY} at a time, each once however many requests
 * found it due (single flight), through `currentSignedList`, which re-reads
 * the list first — one another replica refreshed meanwhile costs one read,
 * not a signature. Each batch is taken in random order, so replicas that
 * found the same lists due mostly refresh different ones.
 *
 * A failing list is reported to `onError` and left alone for its
 * `retryAfter` (the clock-skew and storage errors carry one; else 60 s), so
 * a broken list costs one attempt per period, not a hot loop, and never
 * holds up the others. A database that cannot be reached at all stops the
 * batch at the first failure instead.
 */
export function createStatusListRefresher(
  ctx: IssuerContext,
  options: { onError: BackgroundErrorHandler; concurrency?: number },
): StatusListRefresher {
  const concurrency = options.concurrency ?? REFRESH_CONCURRENCY;
  const queued = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const resting = new Map<string, number>(); // list → clock (ms) before which it is not retried
  let closed = false;

  const runOne = async (listId: string): Promise<void> => {
    try {
      await currentSignedList(ctx, listId);
    } catch (error) {
      if (closed) return;
      if (error instanceof StorageUnavailableError) {
        // The database cannot be reached: every queued list would fail the same way (and be
        // reported one by one). Drop them; the next index, which needs the database too, queues them again.
        queued.clear();
        report(error, listId);
        return;
      }
      const retryAfter = (error as { details?: { retryAfter?: unknown } })?.details?.retryAfter;
      const seconds = typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter : DEFAULT_RETRY_AFTER;
      resting.set(listId, ctx.now().getTime() + seconds * 1000);
      report(error, listId);
    }
  };

  const report = (error: unknown, listId: string): void => {
    try {
      options.onError(error, { task: 'status-list-refresh', listId });
    } catch {
      // A reporter that throws must not stop the refresher.
    }
  };

  const pump = (): void => {
    while (!closed && running.size < concurrency && queued.size > 0) {
      const listId = queued.values().next().value as string;
      queued.delete(listId);
      const run = runOne(listId).finally(() => {
        running.delete(listId);
        pump();
      });
      running.set(listId, run);
    }
  };

  return {
    schedule(listIds) {
      if (closed) return;
      const now = ctx.now().getTime();
      const fresh: string[] = [];
      for (const listId of listIds) {
        if (queued.has(listId) || running.has(listId)) continue;
        const until = resting.get(listId);
        if (until !== undefined && now < until) continue;
        resting.delete(listId);
        fresh.push(listId);
      }
      // Fisher–Yates: replicas that found the same lists due start at different ones.
      for (let i = fresh.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [fresh[i], fresh[j]] = [fresh[j] as string, fresh[i] as string];
      }
      for (const listId of fresh) queued.add(listId);
      pump();
    },
    async close() {
      closed = true;
      queued.clear();
      await Promise.allSettled(running.values());
    },
  };
}
