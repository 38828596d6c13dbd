import { randomInt } from 'node:crypto';
import { VneidError } from '@vneid/core';
import pg from 'pg';
import type { KeyStoreBackend } from '../../key-store.js';
import { stillSigns } from '../../lib/key-windows.js';
import type { AuditEntry, IssuanceRecord, MinistryRecord, StatusListMeta, StatusSlot } from '../../lib/types.js';
import { chainEntry, GENESIS_HASH } from '../audit-chain.js';
import type {
  ApiKeyRecord,
  AuditAppend,
  AuditHead,
  BatchItemResult,
  BatchRecord,
  IssuanceWrite,
  IssuerStorage,
  PublishedState,
  SignedList,
  StoredIdempotent,
} from '../contract.js';
import { credentialIdConflict, StorageUnavailableError, unknownCredential } from '../errors.js';
import { PURPOSES, statusListMeta } from '../lists.js';
import { checkRateLimitRequest, decisionOf } from '../token-bucket.js';
import { createCommitGroup, type GroupOutcome } from './commit-group.js';
import { type PostgresTimeouts, postgresConnectionConfig } from './connection-config.js';
import { findServer, parseDatabaseUrl } from './hosts.js';
import { migrate } from './migrations.js';
import { isRetryable, isTimedOut, isUnavailable } from './pg-errors.js';

/** Pool settings of the PostgreSQL engine, and the timeouts of its connections (see {@link PostgresTimeouts}). */
export interface PostgresPoolOptions extends PostgresTimeouts {
  /** Connections per replica; default 10. */
  max?: number;
  /** Milliseconds between cache refreshes (other replicas' ministries, keys and lists); default 1000. */
  refreshMs?: number;
  /** Called with errors the pool reports on idle connections (the server went away); default: ignored. */
  onError?: (error: Error) => void;
  /**
   * Concurrent issuances of this process share one transaction (one audit head lock per group,
   * see commit-group.ts); default true. False: one transaction per issuance.
   */
  groupCommit?: boolean;
}

const PAGE = 1000;
// Most issuances in one group-commit transaction. Each takes a subtransaction (its savepoint):
// PostgreSQL caches 64 per backend and beyond that snapshots slow down cluster-wide: keep ≤ 64.
const GROUP_MAX_ITEMS = 64;
// Milliseconds between two looks for the writable server after a failure.
const REHOME_MS = 250;
// Serialisation failures and deadlocks are retried this often before the caller hears STORAGE_UNAVAILABLE.
const ATTEMPTS = 8;
// Milliseconds between two tries for an exclusive section's advisory lock.
const EXCLUSIVE_POLL_MS = 100;
// Looks for a list with room before reserveSlots gives up (STORAGE_UNAVAILABLE): each lost
// look means another reservation filled a list meanwhile, so the whole system moved on.
const PICK_ROUNDS = 64;
// A list has room below the configured cap and below half its own stored length (see
// effectiveCap in ../lists.ts): a list made shorter under an older statusListLength stays closed.
const HAS_ROOM = 'allocated < least($3::int, length / 2)';

type Tx = pg.PoolClient;

/**
 * The PostgreSQL engine: every replica is stateless and the database
 * decides every concurrent choice.
 * - Status indexes: `allocations` has (list, index) as primary key; a
 *   replica draws a random index and inserts it, drawing again on conflict.
 *   A list's `allocated` counter is bumped under its row lock, so a list is
 *   closed at the same fill whichever replica allocates.
 * - Audit chain: appending locks the single `audit_head` row, as the last
 *   statements before COMMIT, so seqs are gap-free and one chain.
 * - Keys: a rotation locks the ministry row (FOR UPDATE); recording an
 *   issuance re-reads it (FOR SHARE) and refuses a key retired meanwhile.
 * - Status changes: the records are locked in id order (no deadlocks), bits
 *   are row inserts/deletes, and the list's `version` goes up in the same
 *   transaction; a published list is stored only if built at the current
 *   version and dated after the stored one (one conditional UPDATE).
 * - Lists: a list has room below the cap and below half its own length;
 *   a reservation that lost the race for a list that filled looks again
 *   before opening one, so a contended fill opens no extra empty list.
 * - Stalls: every session has idle-in-transaction, lock and statement
 *   timeouts and TCP keepalive (connection-config.ts): a replica that
 *   freezes holding a row lock is ended by the server, and a request that
 *   waits too long answers STORAGE_UNAVAILABLE instead of hanging.
 * Commits are synchronous (never `synchronous_commit = off`): what is
 * acknowledged is on the primary's disk, and on the synchronous standby's
 * when the server is configured so (see the disaster-recovery drill).
 *
 * @throws {VneidError} STORAGE_UNAVAILABLE when the server cannot be reached; STORAGE_SCHEMA_TOO_NEW.
 */
export async function openPostgresStorage(
  url: string,
  options: PostgresPoolOptions & { now?: () => Date } = {},
): Promise<IssuerStorage> {
  const now = options.now ?? (() => new Date());
  let closed = false;
  // Every connection (pools, probes, migration) gets the keepalive and timeouts. Built once
  // here, before anything connects, so a bad timeout is a RangeError at once.
  const connection = (at: string) => postgresConnectionConfig(at, options);
  connection(url);
  const targets = parseDatabaseUrl(url);
  // One host and no target_session_attrs: no probing, the URL is used as given.
  const probing = targets.urls.length > 1 || targets.target === 'read-write';
  let current = probing ? await findServer(targets, connection) : targets.urls[0];
  if (current === undefined) throw new StorageUnavailableError();
  const makePools = (at: string) => {
    const main = new pg.Pool({ ...connection(at), max: options.max ?? 10, idleTimeoutMillis: 30_000 });
    // The key store's own connections: a rotation writes the sealed secret while its
    // transaction holds the ministry row, and issuances waiting on that row hold the
    // main pool's connections; a separate pool cannot be exhausted by them.
    const keys = new pg.Pool({ ...connection(at), max: 2 });
    // Without a listener, a connection the server drops while idle crashes the process.
    main.on('error', (error) => options.onError?.(error));
    keys.on('error', (error) => options.onError?.(error));
    return { main, keys };
  };
  let { main: pool, keys: keyPool } = makePools(current);

  // Failover: when the server in use fails, look (at most every REHOME_MS, one look
  // at a time) for the writable server of the URL's host list and move the pools there.
  let rehoming: Promise<boolean> | undefined;
  let lastLook = 0;
  const rehome = (): Promise<boolean> => {
    if (!probing || closed || Date.now() - lastLook < REHOME_MS) return Promise.resolve(false);
    rehoming ??= (async () => {
      lastLook = Date.now();
      const found = await findServer(targets, connection);
      if (found === undefined || found === current || closed) return false;
      const old = [pool, keyPool];
      current = found;
      ({ main: pool, keys: keyPool } = makePools(found));
      // Connections still checked out are released (broken) by their callers; end() waits for them.
      for (const p of old) p.end().catch(() => undefined);
      return true;
    })().finally(() => {
      rehoming = undefined;
    });
    return rehoming;
  };

  // A checked-out client whose server dies between two statements emits 'error' on
  // itself (the pool listens only to idle ones): unheard, that crashes the process.
  const guarded = new WeakSet<pg.PoolClient>();
  const guard = (client: pg.PoolClient) => {
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', (error) => options.onError?.(error));
    }
    return client;
  };
  const connect = async (): Promise<pg.PoolClient> => {
    try {
      return guard(await pool.connect());
    } catch (cause) {
      // Only a connection attempt is repeated after a move: nothing was sent yet.
      if (await rehome().catch(() => false)) {
        try {
          return guard(await pool.connect());
        } catch (again) {
          throw new StorageUnavailableError({ cause: again });
        }
      }
      throw new StorageUnavailableError({ cause });
    }
  };

  /** Runs `fn` in a transaction, retrying serialisation failures and deadlocks. */
  const tx = async <T>(fn: (c: Tx) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const client = await connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        broken = isUnavailable(error);
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        // A COMMIT lost with its connection may or may not have happened: the
        // caller hears STORAGE_UNAVAILABLE and retries (with an idempotency key, safely).
        if (broken) {
          void rehome().catch(() => undefined);
          throw new StorageUnavailableError({ cause: error });
        }
        // A lock or statement timeout: another session holds what this one needs for too
        // long. Nothing was committed; retrying here would only wait as long again.
        if (isTimedOut(error)) throw new StorageUnavailableError({ cause: error });
        if (isRetryable(error) && attempt < ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, randomInt(5, 20 * attempt)));
          continue;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    }
  };

  /** One statement outside a transaction. */
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = [], keys = false) => {
    try {
      return await (keys ? keyPool : pool).query<R>(text, values);
    } catch (error) {
      if (isUnavailable(error)) {
        void rehome().catch(() => undefined);
        throw new StorageUnavailableError({ cause: error });
      }
      if (isTimedOut(error)) throw new StorageUnavailableError({ cause: error });
      throw error;
    }
  };

  {
    // A connection of its own without lock, statement or query timeouts: a migration of a
    // large table, or the wait for another replica's migration, may take longer than any request.
    const client = new pg.Client({
      ...connection(current),
      lock_timeout: 0,
      statement_timeout: 0,
      query_timeout: 0,
    });
    client.on('error', (error) => options.onError?.(error));
    try {
      await client.connect();
      await migrate(client);
    } catch (error) {
      await pool.end();
      await keyPool.end();
      if (isUnavailable(error)) throw new StorageUnavailableError({ cause: error });
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  let chainKey: Buffer = Buffer.alloc(0);
  let head: AuditHead = { seq: 0, hash: GENESIS_HASH };
  const ministries = new Map<string, MinistryRecord>();
  // Read-your-writes for the cache: a refresh whose query was sent before this
  // replica wrote or re-read a ministry must not put the older record back
  // (a bundle built right after a rotation here would lack the new key).
  let cacheTick = 0;
  const cachedAt = new Map<string, number>();
  const cacheMinistry = (slug: string, record: MinistryRecord) => {
    cachedAt.set(slug, ++cacheTick);
    ministries.set(slug, record);
  };
  const lists = new Map<string, StatusListMeta>();
  const seeHead = (h: AuditHead) => {
    if (h.seq > head.seq) head = h;
  };

  const listMeta = (r: Record<string, any>): StatusListMeta => ({
    listId: r.list_id,
    ministry: r.ministry,
    purpose: r.purpose,
    seq: r.seq,
    length: r.length,
    createdAt: r.created_at,
  });
  const LIST_COLUMNS = 'list_id, ministry, purpose, seq, length, created_at';

  const refresh = async () => {
    const sentAt = cacheTick;
    const [m, l, h] = await Promise.all([
      query<{ slug: string; record: MinistryRecord }>('SELECT slug, record FROM ministries'),
      query(`SELECT ${LIST_COLUMNS} FROM status_lists`),
      query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1'),
    ]);
    for (const row of m.rows) if ((cachedAt.get(row.slug) ?? 0) <= sentAt) ministries.set(row.slug, row.record);
    for (const row of l.rows) lists.set(row.list_id, listMeta(row));
    const top = h.rows[0];
    if (top) seeHead({ seq: Number(top.seq), hash: top.hash });
  };
  try {
    await refresh();
  } catch (error) {
    await pool.end();
    await keyPool.end();
    throw error;
  }
  // Other replicas' ministries, keys and lists appear within refreshMs; decisions re-read the database.
  const timer = setInterval(() => {
    refresh().catch(() => undefined);
  }, options.refreshMs ?? 1000);
  timer.unref();

  /** Appends entries onto the locked head: call last in a transaction. */
  const appendEntries = async (c: Tx, appends: AuditAppend[]): Promise<AuditHead> => {
    const { rows } = await c.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
    );
    let tip: AuditHead = { seq: Number(rows[0]?.seq ?? 0), hash: rows[0]?.hash ?? GENESIS_HASH };
    const seqs: number[] = [];
    const docs: string[] = [];
    for (const append of appends) {
      const entry = chainEntry(chainKey, tip, append, now());
      seqs.push(entry.seq);
      docs.push(JSON.stringify(entry));
      tip = { seq: entry.seq, hash: entry.hash };
    }
    await c.query('INSERT INTO audit_log (seq, entry) SELECT * FROM unnest($1::bigint[], $2::json[])', [seqs, docs]);
    await c.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [tip.seq, tip.hash]);
    return tip;
  };

  /** A transaction ending with audit entries; the head this process exports moves once it commits. */
  const audited = async <T>(fn: (c: Tx) => Promise<{ result: T; appends: AuditAppend[] }>): Promise<T> => {
    const { result, tip } = await tx(async (c) => {
      const { result, appends } = await fn(c);
      const tip = appends.length > 0 ? await appendEntries(c, appends) : undefined;
      return { result, tip };
    });
    if (tip) seeHead(tip);
    return result;
  };

  /**
   * One issuance's statements inside a transaction: the record, its
   * idempotency key, and the checks deciding them. Throws to refuse it
   * (IdempotencyTaken carries the stored entry of a key already taken).
   */
  const recordStatements = async (c: Tx, write: IssuanceWrite): Promise<void> => {
    const { record, idempotency } = write;
    const { rows } = await c.query<{ record: MinistryRecord }>(
      'SELECT record FROM ministries WHERE slug = $1 FOR SHARE',
      [record.ministry],
    );
    if (!stillSigns(rows[0]?.record, record)) {
      throw new VneidError('KEY_RETIRED', 'the signing key was retired while this credential was being signed');
    }
    // The primary key decides between concurrent writers of one id (the second waits for
    // the first to commit); the loser's write rolls back (its transaction, or its savepoint in
    // a group). Its status slots stay
    // allocated and unused, as after a crash between reserveSlots and this call.
    const inserted = await c.query(
      'INSERT INTO records (id, ministry, record) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
      [record.id, record.ministry, JSON.stringify(record)],
    );
    if (idempotency) {
      // Waits for a concurrent holder of the key to commit, then does nothing.
      const inserted = await c.query(
        `INSERT INTO idempotency (ministry, key, request_digest, credential_id, credential)
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING key`,
        [
          record.ministry,
          idempotency.key,
          idempotency.requestDigest,
          record.id,
          JSON.stringify(idempotency.credential),
        ],
      );
      if (inserted.rowCount === 0) {
        // Taken: this issuance must leave no trace. Roll back by throwing the stored entry out.
        const stored = await c.query<{ request_digest: string; credential: JsonObjectRow }>(
          'SELECT request_digest, credential FROM idempotency WHERE ministry = $1 AND key = $2',
          [record.ministry, idempotency.key],
        );
        const row = stored.rows[0];
        throw new IdempotencyTaken({ requestDigest: row?.request_digest ?? '', credential: row?.credential ?? {} });
      }
    }
    // After the idempotency key: a retry whose key is taken gets the stored credential, as on LevelDB.
    if (inserted.rowCount === 0) throw credentialIdConflict(record.id);
  };

  /** One issuance, one transaction (group commit off). */
  const recordAlone = (write: IssuanceWrite): Promise<StoredIdempotent | undefined> =>
    audited<StoredIdempotent | undefined>(async (c) => {
      await recordStatements(c, write);
      return { result: undefined, appends: [write.audit] };
    }).catch((error) => {
      if (error instanceof IdempotencyTaken) return error.stored;
      throw error;
    });

  // Group commit (see commit-group.ts): the issuances that queue while one
  // transaction commits share the next, each behind its own savepoint, so a
  // refused one rolls back alone; the audit head is locked once per group.
  // A lost connection, or a failure at the audit head (after the savepoints),
  // is the whole transaction's: `tx` retries the group (deadlock, serialisation
  // failure) or every call of it hears the error. Two groups run at once, so
  // one runs its statements while the other commits.
  const groupCommit = options.groupCommit ?? true;
  const recordGrouped = createCommitGroup<IssuanceWrite, StoredIdempotent | undefined>(
    (writes) =>
      audited(async (c) => {
        const outcomes: Array<GroupOutcome<StoredIdempotent | undefined>> = [];
        const appends: AuditAppend[] = [];
        for (const write of writes) {
          await c.query('SAVEPOINT issuance');
          try {
            await recordStatements(c, write);
          } catch (error) {
            // A lost connection is the whole group's. Anything else is this item's alone: its
            // savepoint undoes it (a lock or statement timeout, or a deadlock, as well: the
            // item hears STORAGE_UNAVAILABLE and its caller retries, the rest go on).
            if (isUnavailable(error)) throw error;
            await c.query('ROLLBACK TO SAVEPOINT issuance');
            await c.query('RELEASE SAVEPOINT issuance');
            outcomes.push(
              error instanceof IdempotencyTaken
                ? { ok: true, value: error.stored }
                : {
                    ok: false,
                    error:
                      isRetryable(error) || isTimedOut(error) ? new StorageUnavailableError({ cause: error }) : error,
                  },
            );
            continue;
          }
          await c.query('RELEASE SAVEPOINT issuance');
          appends.push(write.audit);
          outcomes.push({ ok: true, value: undefined });
        }
        return { result: outcomes, appends };
      }),
    { maxItems: GROUP_MAX_ITEMS, concurrency: 2 },
  );

  const keystore: KeyStoreBackend = {
    async get(key) {
      const { rows } = await query<{ value: unknown }>('SELECT value FROM keystore WHERE key = $1', [key], true);
      return rows[0]?.value;
    },
    async put(key, value) {
      await query(
        'INSERT INTO keystore (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
        [key, JSON.stringify(value)],
        true,
      );
    },
    async *keys(range = {}) {
      const { rows } = await query<{ key: string }>(
        'SELECT key FROM keystore WHERE ($1::text IS NULL OR key >= $1) AND ($2::text IS NULL OR key < $2) ORDER BY key',
        [range.gte ?? null, range.lt ?? null],
        true,
      );
      for (const row of rows) yield row.key;
    },
    async putIfAbsent(key, value) {
      await query(
        'INSERT INTO keystore (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
        [key, JSON.stringify(value)],
        true,
      );
      return keystore.get(key);
    },
  };

  const storage: IssuerStorage = {
    engine: 'postgres',

    async setting(name, create) {
      await query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, create()]);
      const { rows } = await query<{ value: string }>('SELECT value FROM settings WHERE name = $1', [name]);
      return rows[0]?.value as string;
    },
    async exclusive(name, fn) {
      const client = await connect();
      let broken = false;
      try {
        // Polled rather than waited for: the holder's section may outlast lock_timeout.
        for (;;) {
          const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [
            `vneid:${name}`,
          ]);
          if (rows[0]?.ok) break;
          await new Promise((resolve) => setTimeout(resolve, EXCLUSIVE_POLL_MS));
        }
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`vneid:${name}`]).catch(() => {
            broken = true;
          });
        }
      } catch (error) {
        if (isUnavailable(error)) {
          broken = true;
          throw new StorageUnavailableError({ cause: error });
        }
        if (isTimedOut(error)) throw new StorageUnavailableError({ cause: error });
        throw error;
      } finally {
        client.release(broken);
      }
    },

    ministries: () => [...ministries.values()],
    async getMinistry(slug) {
      if (!storable(slug)) return undefined;
      const { rows } = await query<{ record: MinistryRecord }>('SELECT record FROM ministries WHERE slug = $1', [slug]);
      const record = rows[0]?.record;
      if (record) cacheMinistry(slug, record);
      return record;
    },
    async addMinistry(record, newLists, audit) {
      const created = await audited(async (c) => {
        const inserted = await c.query(
          'INSERT INTO ministries (slug, record) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING RETURNING slug',
          [record.slug, JSON.stringify(record)],
        );
        if (inserted.rowCount === 0) return { result: false, appends: [] };
        for (const meta of newLists) await insertList(c, meta);
        return { result: true, appends: [audit] };
      });
      const stored = created ? record : await storage.getMinistry(record.slug);
      if (!stored) throw new StorageUnavailableError();
      if (created) {
        cacheMinistry(record.slug, record);
        for (const meta of newLists) lists.set(meta.listId, meta);
      }
      return { record: stored, created };
    },
    async updateMinistry(slug, change) {
      const record = await audited(async (c) => {
        const { rows } = await c.query<{ record: MinistryRecord }>(
          'SELECT record FROM ministries WHERE slug = $1 FOR UPDATE',
          [slug],
        );
        const current = rows[0]?.record;
        if (!current) throw new VneidError('UNKNOWN_MINISTRY', `no ministry ${slug.slice(0, 64)}`);
        const next = await change(current);
        if (!next) return { result: current, appends: [] };
        await c.query('UPDATE ministries SET record = $2 WHERE slug = $1', [slug, JSON.stringify(next.record)]);
        return { result: next.record, appends: [next.audit] };
      });
      cacheMinistry(slug, record);
      return record;
    },
    keyStoreBackend: () => keystore,

    async reserveSlots(slug, policy) {
      const created: StatusListMeta[] = [];
      const slots = await tx(async (c) => {
        created.length = 0;
        const out: Partial<Record<string, StatusSlot>> = {};
        // Purposes in a fixed order: two replicas lock list rows in the same order.
        for (const purpose of PURPOSES) {
          for (let round = 0; ; round++) {
            const { rows } = await c.query<{ list_id: string; length: number; allocated: number; seq: number }>(
              `UPDATE status_lists SET allocated = allocated + 1
                 WHERE list_id = (SELECT list_id FROM status_lists
                                   WHERE ministry = $1 AND purpose = $2 AND ${HAS_ROOM} ORDER BY seq LIMIT 1)
                   AND ${HAS_ROOM}
               RETURNING list_id, length, allocated, seq`,
              [slug, purpose, policy.maxAllocationsPerList],
            );
            const list = rows[0];
            if (!list) {
              // The sub-select ran once, before this waited for the row: a list that filled
              // meanwhile gives no row although the standby after it has room. Look again
              // (each look is a new snapshot); only when no list has room, open the next one.
              if (round >= PICK_ROUNDS) throw new StorageUnavailableError();
              const open = await c.query(
                `SELECT 1 FROM status_lists WHERE ministry = $1 AND purpose = $2 AND ${HAS_ROOM} LIMIT 1`,
                [slug, purpose, policy.maxAllocationsPerList],
              );
              if (open.rowCount === 1) continue;
              const top = await c.query<{ seq: number | null }>(
                'SELECT max(seq) AS seq FROM status_lists WHERE ministry = $1 AND purpose = $2',
                [slug, purpose],
              );
              const seq = top.rows[0]?.seq ?? 0;
              if (seq === 0) throw new VneidError('UNKNOWN_MINISTRY', `no ministry ${slug.slice(0, 64)}`);
              // One list, the new current one; its standby is opened below with its first index.
              // A replica opening the same one at once conflicts on its id and waits, then sees it.
              const meta = statusListMeta(slug, purpose, seq + 1, policy);
              if (await insertList(c, meta)) created.push(meta);
              continue;
            }
            if (list.allocated === 1) {
              // First index of this list: it is now current, so open the standby after it,
              // which the trust bundle then names before anything is issued in it.
              const meta = statusListMeta(slug, purpose, list.seq + 1, policy);
              if (await insertList(c, meta)) created.push(meta);
            }
            for (;;) {
              const index = randomInt(list.length);
              const taken = await c.query(
                'INSERT INTO allocations (list_id, idx) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING idx',
                [list.list_id, index],
              );
              if (taken.rowCount === 1) {
                out[purpose] = { listId: list.list_id, index };
                break;
              }
            }
            break;
          }
        }
        return out as { revocation: StatusSlot; suspension: StatusSlot };
      });
      for (const meta of created) lists.set(meta.listId, meta);
      return slots;
    },
    async recordIssuance(write) {
      return groupCommit ? recordGrouped(write) : recordAlone(write);
    },
    async findIdempotent(ministry, key) {
      if (!storable(ministry) || !storable(key)) return undefined;
      const { rows } = await query<{ request_digest: string; credential: JsonObjectRow }>(
        'SELECT request_digest, credential FROM idempotency WHERE ministry = $1 AND key = $2',
        [ministry, key],
      );
      const row = rows[0];
      return row ? { requestDigest: row.request_digest, credential: row.credential } : undefined;
    },
    async getRecord(id) {
      if (!storable(id)) return undefined;
      const { rows } = await query<{ record: IssuanceRecord }>('SELECT record FROM records WHERE id = $1', [id]);
      return rows[0]?.record;
    },
    async *records() {
      let after = '';
      for (;;) {
        const { rows } = await query<{ id: string; record: IssuanceRecord }>(
          'SELECT id, record FROM records WHERE id > $1 ORDER BY id LIMIT $2',
          [after, PAGE],
        );
        for (const row of rows) yield row.record;
        if (rows.length < PAGE) return;
        after = (rows[rows.length - 1] as { id: string }).id;
      }
    },

    async changeStatus(ids, decide, at) {
      return audited(async (c) => {
        // Locked in id order: two calls over overlapping credentials cannot deadlock.
        const { rows } = await c.query<{ id: string; record: IssuanceRecord }>(
          'SELECT id, record FROM records WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
          // An id no row can hold is left out of the query and found missing below, in its turn.
          [ids.filter(storable)],
        );
        const byId = new Map(rows.map((r) => [r.id, r.record]));
        const updated: IssuanceRecord[] = [];
        const appends: AuditAppend[] = [];
        const on: Array<[string, number]> = [];
        const off: Array<[string, number]> = [];
        const touched = new Set<string>();
        for (const id of ids) {
          const record = byId.get(id);
          if (!record) throw unknownCredential(id);
          const { state, audit } = decide(record);
          if (record.status) {
            const { revocation, suspension } = record.status;
            // A revoked credential shows only as revoked: its suspension bit is cleared.
            (state === 'revoked' ? on : off).push([revocation.listId, revocation.index]);
            (state === 'suspended' ? on : off).push([suspension.listId, suspension.index]);
            touched.add(revocation.listId);
            touched.add(suspension.listId);
          }
          updated.push({ ...record, state, stateChangedAt: at });
          appends.push(audit);
        }
        if (on.length > 0) {
          await c.query(
            'INSERT INTO status_bits (list_id, idx) SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT DO NOTHING',
            [on.map((b) => b[0]), on.map((b) => b[1])],
          );
        }
        if (off.length > 0) {
          await c.query(
            'DELETE FROM status_bits b USING unnest($1::text[], $2::int[]) AS u(list_id, idx) WHERE b.list_id = u.list_id AND b.idx = u.idx',
            [off.map((b) => b[0]), off.map((b) => b[1])],
          );
        }
        await c.query(
          'UPDATE records r SET record = u.record FROM unnest($1::text[], $2::json[]) AS u(id, record) WHERE r.id = u.id',
          [updated.map((r) => r.id), updated.map((r) => JSON.stringify(r))],
        );
        await c.query('UPDATE status_lists SET version = version + 1 WHERE list_id = ANY($1::text[])', [
          [...touched].sort(),
        ]);
        return { result: updated, appends };
      });
    },

    statusLists: () => [...lists.values()],
    async statusListAllocations() {
      const { rows } = await query<{ list_id: string; allocated: number }>(
        'SELECT list_id, allocated FROM status_lists',
      );
      return rows.map((r) => ({ listId: r.list_id, allocated: Number(r.allocated) }));
    },
    async getStatusList(listId) {
      const cached = lists.get(listId);
      if (cached) return cached;
      if (!storable(listId)) return undefined;
      const { rows } = await query(`SELECT ${LIST_COLUMNS} FROM status_lists WHERE list_id = $1`, [listId]);
      const meta = rows[0] ? listMeta(rows[0]) : undefined;
      if (meta) lists.set(listId, meta);
      return meta;
    },
    async publishedList(listId): Promise<PublishedState> {
      const { rows } = await query<{ signed: SignedList | null; signed_version: string; version: string }>(
        'SELECT signed, signed_version, version FROM status_lists WHERE list_id = $1',
        [listId],
      );
      const row = rows[0];
      return {
        signed: row?.signed ?? undefined,
        publishedVersion: Number(row?.signed_version ?? 0),
        version: Number(row?.version ?? 0),
      };
    },
    async listBits(listId) {
      // One statement, one snapshot: the bits are exactly those of this version.
      const { rows } = await query<{ version: string; indexes: number[] | null }>(
        `SELECT l.version, (SELECT array_agg(idx) FROM status_bits b WHERE b.list_id = l.list_id) AS indexes
           FROM status_lists l WHERE l.list_id = $1`,
        [listId],
      );
      return { version: Number(rows[0]?.version ?? 0), indexes: rows[0]?.indexes ?? [] };
    },
    async publishList(listId, signed, version) {
      const { rowCount } = await query(
        `UPDATE status_lists SET signed = $2, signed_version = $3, signed_at = $4
          WHERE list_id = $1 AND version = $3 AND (signed_at IS NULL OR signed_at < $4)`,
        [listId, JSON.stringify(signed), version, signed.signedAt],
      );
      return rowCount === 1;
    },

    setAuditKey(key) {
      chainKey = key;
    },
    async appendAudit(append) {
      await audited(async () => ({ result: undefined, appends: [append] }));
    },
    auditHead: () => ({ ...head }),
    async loadAuditHead() {
      const { rows } = await query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
      const h = { seq: Number(rows[0]?.seq ?? 0), hash: rows[0]?.hash ?? GENESIS_HASH };
      seeHead(h);
      return h;
    },
    async *auditEntries() {
      // Keyset pages: memory stays one page whatever the log's length.
      let after = 0;
      for (;;) {
        const { rows } = await query<{ seq: string; entry: AuditEntry }>(
          'SELECT seq, entry FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
          [after, PAGE],
        );
        for (const row of rows) {
          const e = row.entry;
          yield e && typeof e === 'object' && e.seq === Number(row.seq) ? e : ({ ...e, seq: Number.NaN } as AuditEntry);
        }
        if (rows.length < PAGE) return;
        after = Number((rows[rows.length - 1] as { seq: string }).seq);
      }
    },

    async apiKeys() {
      const { rows } = await query<{ ministry: string; sha256: string; created_at: Date; revoked_at: Date | null }>(
        'SELECT ministry, sha256, created_at, revoked_at FROM api_keys ORDER BY created_at, sha256',
      );
      return rows.map(apiKeyRecord);
    },
    async addApiKey(entry) {
      await query('INSERT INTO api_keys (sha256, ministry, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        entry.sha256,
        entry.ministry,
        entry.createdAt ?? now().toISOString(),
      ]);
    },
    async findApiKey(sha256) {
      const { rows } = await query<{ ministry: string; sha256: string; created_at: Date; revoked_at: Date | null }>(
        'SELECT ministry, sha256, created_at, revoked_at FROM api_keys WHERE sha256 = $1',
        [sha256],
      );
      return rows[0] ? apiKeyRecord(rows[0]) : undefined;
    },
    async revokeApiKey(id, at) {
      if (!/^[0-9a-f]{16}$/.test(id)) return undefined;
      // The first revocation's time stays; the id is a prefix of the primary key (an index range scan).
      await query('UPDATE api_keys SET revoked_at = $2 WHERE left(sha256, 16) = $1 AND revoked_at IS NULL', [id, at]);
      const { rows } = await query<{ ministry: string; sha256: string; created_at: Date; revoked_at: Date | null }>(
        'SELECT ministry, sha256, created_at, revoked_at FROM api_keys WHERE left(sha256, 16) = $1',
        [id],
      );
      return rows[0] ? apiKeyRecord(rows[0]) : undefined;
    },

    async consumeRateLimit(key, request) {
      checkRateLimitRequest(key, request);
      // One statement: the upsert locks the key's row, so concurrent steps from any
      // replica apply one after the other to the latest bucket (no lost update,
      // whatever the isolation level). It mirrors takeTokens() in token-bucket.ts.
      const { rows } = await query<{ tokens: number; allowed: boolean }>(CONSUME_RATE_LIMIT, [
        key,
        request.burst,
        request.perSecond,
        request.tokens ?? 1,
        request.now,
      ]);
      const row = rows[0];
      if (!row) throw new StorageUnavailableError();
      return decisionOf(row.allowed, Number(row.tokens), request);
    },

    async createBatch(batch, items) {
      await tx(async (c) => {
        await c.query('INSERT INTO batches (id, ministry, total, created_at) VALUES ($1, $2, $3, $4)', [
          batch.id,
          batch.ministry,
          batch.total,
          batch.createdAt,
        ]);
        if (items.length > 0) {
          await c.query(
            'INSERT INTO batch_items (batch_id, idx, item) SELECT $1, i - 1, (x::text)::json FROM json_array_elements($2::json) WITH ORDINALITY AS t(x, i)',
            [batch.id, JSON.stringify(items)],
          );
        }
      });
    },
    async getBatch(id) {
      if (!storable(id)) return undefined;
      const { rows } = await query<Record<string, any>>(
        'SELECT id, ministry, total, created_at, finished_at FROM batches WHERE id = $1',
        [id],
      );
      const r = rows[0];
      return r ? batchRecord(r) : undefined;
    },
    async pendingBatchItems(id) {
      const { rows } = await query<{ idx: number; item: JsonObjectRow }>(
        `SELECT i.idx, i.item FROM batch_items i
         WHERE i.batch_id = $1 AND NOT EXISTS (SELECT 1 FROM batch_results r WHERE r.batch_id = i.batch_id AND r.idx = i.idx)
         ORDER BY i.idx`,
        [id],
      );
      return rows.map((r) => ({ index: r.idx, item: r.item }));
    },
    async putBatchResult(id, result) {
      await query('INSERT INTO batch_results (batch_id, idx, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        id,
        result.index,
        JSON.stringify(result),
      ]);
    },
    async batchResults(id) {
      const { rows } = await query<{ result: BatchItemResult }>(
        'SELECT result FROM batch_results WHERE batch_id = $1 ORDER BY idx',
        [id],
      );
      return rows.map((r) => r.result);
    },
    async finishBatch(id, at) {
      await tx(async (c) => {
        await c.query('UPDATE batches SET finished_at = $2 WHERE id = $1 AND finished_at IS NULL', [id, at]);
        await c.query('DELETE FROM batch_items WHERE batch_id = $1', [id]);
      });
    },
    async unfinishedBatches() {
      const { rows } = await query<Record<string, any>>(
        'SELECT id, ministry, total, created_at, finished_at FROM batches WHERE finished_at IS NULL ORDER BY created_at',
      );
      return rows.map(batchRecord);
    },

    refresh,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await pool.end();
      await keyPool.end();
    },

    async statusListSummaries() {
      // One statement (one snapshot): the two dates come out of each stored copy
      // server-side, so the copies themselves never cross the wire.
      const { rows } = await query<{
        list_id: string;
        ministry: string;
        version: string;
        signed_version: string;
        copy_signed_at: string | null;
        copy_valid_until: string | null;
      }>(
        `SELECT list_id, ministry, version, signed_version,
                signed->>'signedAt' AS copy_signed_at, signed->>'validUntil' AS copy_valid_until
           FROM status_lists`,
      );
      return rows.map((r) => ({
        listId: r.list_id,
        ministry: r.ministry,
        version: Number(r.version),
        publishedVersion: Number(r.signed_version),
        ...(r.copy_signed_at && r.copy_valid_until
          ? { signedAt: r.copy_signed_at, validUntil: r.copy_valid_until }
          : {}),
      }));
    },
  };
  return storage;
}

type JsonObjectRow = StoredIdempotent['credential'];

// $1 key, $2 burst, $3 tokens per second, $4 tokens to take, $5 now (ms). A new bucket starts
// full; an existing one refills for the time since it was counted (none if the clock went
// back), capped at the burst. The step's decision is kept in the row for RETURNING to report.
const REFILLED = 'least($2::float8, b.tokens + (greatest(0, $5::bigint - b.at_ms)::float8 / 1000) * $3::float8)';
const CONSUME_RATE_LIMIT = `
INSERT INTO rate_limits AS b (key, tokens, at_ms, allowed)
VALUES ($1, CASE WHEN $2::float8 >= $4::float8 THEN least($2::float8, $2::float8 - $4::float8) ELSE $2::float8 END,
        $5::bigint, $2::float8 >= $4::float8)
ON CONFLICT (key) DO UPDATE SET
  tokens = CASE WHEN ${REFILLED} >= $4::float8 THEN least($2::float8, ${REFILLED} - $4::float8) ELSE ${REFILLED} END,
  at_ms = greatest(b.at_ms, $5::bigint),
  allowed = ${REFILLED} >= $4::float8
RETURNING tokens, allowed`;

function apiKeyRecord(r: {
  ministry: string;
  sha256: string;
  created_at: Date;
  revoked_at: Date | null;
}): ApiKeyRecord {
  return {
    ministry: r.ministry,
    sha256: r.sha256,
    createdAt: new Date(r.created_at).toISOString(),
    ...(r.revoked_at ? { revokedAt: new Date(r.revoked_at).toISOString() } : {}),
  };
}

function batchRecord(r: Record<string, any>): BatchRecord {
  return {
    id: r.id,
    ministry: r.ministry,
    total: r.total,
    createdAt: r.created_at,
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  };
}

/**
 * Whether PostgreSQL can hold `text` at all: a NUL character cannot be in a
 * text value, and a query carrying one is refused (22021), which would be a
 * 500. No row can have such an id, so a lookup by one answers "not found"
 * without asking, as LevelDB does.
 */
function storable(text: string): boolean {
  return typeof text === 'string' && !text.includes('\u0000');
}

/** Carries the stored entry out of a rolled-back transaction. */
class IdempotencyTaken extends Error {
  constructor(readonly stored: StoredIdempotent) {
    super('idempotency key taken');
  }
}

async function insertList(c: Tx, meta: StatusListMeta): Promise<boolean> {
  const { rowCount } = await c.query(
    `INSERT INTO status_lists (list_id, ministry, purpose, seq, length, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [meta.listId, meta.ministry, meta.purpose, meta.seq, meta.length, meta.createdAt],
  );
  return rowCount === 1;
}
