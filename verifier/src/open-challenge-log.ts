import { Level } from 'level';
import type { ChallengeStore, ConsumeContext } from './challenge-store.js';
import { createUsedChallengeStore } from './challenge-store.js';
import { createKeyedQueue } from './lib/keyed-queue.js';

/** A store of used challenges kept on disk, for verifiers that run one process per presentation (the CLI). */
export interface ChallengeLog extends ChallengeStore {
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) a LevelDB record of used presentation
 * challenges in `path`. A one-shot process (`vneid-verify`) forgets an
 * in-memory store when it exits, so a presentation could be replayed at the
 * next run; this keeps each used challenge, with a synced write, for as long
 * as a presentation made for it could still be accepted. Expired entries are
 * dropped when the log is opened.
 *
 * @example
 * const log = await openChallengeLog({ path: '/var/lib/vneid/challenges' });
 * await verifyPresentation(vp, { challenge, domain, challengeStore: log, … });
 * await log.close();
 * @throws {Error} when another process holds the database (level's LEVEL_DATABASE_NOT_OPEN).
 */
export async function openChallengeLog(options: {
  path: string;
  /** Default retention when the caller gives none (seconds). */
  ttlSeconds?: number;
  now?: () => Date;
}): Promise<ChallengeLog> {
  if (typeof options?.path !== 'string' || options.path.length === 0) throw new TypeError('path is required');
  const { ttlSeconds = 3600, now = () => new Date() } = options;
  const fallback = createUsedChallengeStore({ ttlSeconds, now });
  const db = new Level<string, number>(options.path, { valueEncoding: 'json' });
  await db.open();
  const at = now().getTime();
  const expired: string[] = [];
  for await (const [key, expiry] of db.iterator()) if (!(expiry > at)) expired.push(key);
  if (expired.length > 0)
    await db.batch(
      expired.map((key) => ({ type: 'del' as const, key })),
      { sync: true },
    );
  const consumeOnce = async (challenge: string, context: ConsumeContext) => {
    const time = context.now ?? now().getTime();
    const expiry = await db.get(challenge);
    if (expiry !== undefined && expiry > time) return false;
    // Synced before the presentation is reported verified: a crash cannot forget it.
    await db.put(challenge, time + (context.ttlSeconds ?? ttlSeconds) * 1000, { sync: true });
    return true;
  };
  // LevelDB has no compare-and-set: two consumes of one challenge in flight
  // at once would both read "unused" before either writes. Consumes of the
  // same challenge are therefore queued behind each other (the LevelDB lock
  // makes this process the only writer), so exactly one of them wins.
  const queue = createKeyedQueue();
  return {
    issue: fallback.issue,
    async consume(challenge, context = {}) {
      if (typeof challenge !== 'string' || challenge.length === 0) return false;
      return queue(challenge, () => consumeOnce(challenge, context));
    },
    close: () => db.close(),
  };
}
