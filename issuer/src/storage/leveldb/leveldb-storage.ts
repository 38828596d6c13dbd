import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { type JsonObject, type StatusPurpose, VneidError } from '@vneid/core';
import type { KeyStoreBackend } from '../../key-store.js';
import { stillSigns } from '../../lib/key-windows.js';
import type { AuditEntry, IssuanceRecord, MinistryRecord, StatusListMeta, StatusSlot } from '../../lib/types.js';
import { chainEntry, GENESIS_HASH } from '../audit-chain.js';
import {
  type ApiKeyRecord,
  type AuditAppend,
  type AuditHead,
  apiKeyId,
  type BatchItemResult,
  type BatchRecord,
  type IssuerStorage,
  type PublishedState,
  type SignedList,
  type StoredIdempotent,
} from '../contract.js';
import { credentialIdConflict, StorageUnavailableError, unknownCredential } from '../errors.js';
import { effectiveCap, PURPOSES, statusListMeta } from '../lists.js';
import { checkRateLimitRequest, type TokenBucket, takeTokens } from '../token-bucket.js';
import { checkLevelDbConsistency } from './consistency.js';
import { commit, entries, type IssuerDb, type Op, openIssuerDb } from './db.js';
import { StorageWriteError } from './group-commit.js';
import { createHeadExport, HEAD_EXPORT_FILE, readHeadExport } from './head-export.js';
import { createMutex } from './mutex.js';

const HEAD_KEY = 'audit-head';
const VERSION_PREFIX = 'list-version!';

/** In-memory allocation state of one status list (rebuilt from the `alloc` sublevel on open). */
interface ListState {
  meta: StatusListMeta;
  /** One bit per index: set once allocated (persisted or reserved), never cleared. */
  bitmap: Uint8Array;
  allocated: number;
}

/** Zero-padded so that LevelDB's byte order is numeric order. */
export function auditKey(seq: number): string {
  return String(seq).padStart(16, '0');
}

export function allocKey(listId: string, index: number): string {
  return `${listId}!${String(index).padStart(10, '0')}`;
}

function isSet(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

function set(bitmap: Uint8Array, index: number): void {
  bitmap[index >> 3] = (bitmap[index >> 3] ?? 0) | (0x80 >> (index & 7));
}

/** A LevelDB-backed {@link IssuerStorage} with its writer (for tests and metrics). */
export interface LevelDbStorage extends IssuerStorage {
  readonly db: IssuerDb;
}

/**
 * The embedded engine: one LevelDB folder, one process (LevelDB's file lock
 * refuses a second with DATABASE_LOCKED). Read-modify-write state
 * (allocation bitmaps, the audit tip) lives in this process and changes
 * inside one async section; every durable change goes through the single
 * writer, which group-commits synced batches (see group-commit.ts), so
 * concurrent issuances share fsyncs. An issuance's record, its allocated
 * indexes, its idempotency key and its audit entry are one batch.
 *
 * @throws {VneidError} DATABASE_LOCKED when another process or instance holds the database.
 */
export async function openLevelDbStorage(
  dataDir: string,
  options: {
    openDb?: (dataDir: string) => Promise<IssuerDb>;
    now?: () => Date;
    /** Refuse to open a store whose parts disagree (see consistency.ts); default true. */
    checkConsistency?: boolean;
    /** The last audit head exported off the machine: the store must reach it. */
    auditAnchor?: AuditHead;
  } = {},
): Promise<LevelDbStorage> {
  const db = await (options.openDb ?? openIssuerDb)(dataDir);
  try {
    return await buildStorage(db, options.now ?? (() => new Date()), {
      headFile: join(dataDir, HEAD_EXPORT_FILE),
      check: options.checkConsistency ?? true,
      ...(options.auditAnchor ? { anchor: options.auditAnchor } : {}),
    });
  } catch (error) {
    await db.root.close();
    throw error;
  }
}

async function buildStorage(
  db: IssuerDb,
  now: () => Date,
  start: { headFile: string; check: boolean; anchor?: AuditHead },
): Promise<LevelDbStorage> {
  const lock = createMutex();
  // API key and batch result writes are read-then-write: each under its own section, apart from issuance.
  const apiKeyLock = createMutex();
  const batchLock = createMutex();
  const ministries = new Map<string, MinistryRecord>();
  const lists = new Map<string, ListState>();
  const currentList = new Map<string, string>();
  const versions = new Map<string, number>();
  // Reserved indexes not yet written: persisted with the record that uses them.
  const reserved = new Map<string, Op[]>();
  // Idempotency keys whose issuance is queued but not yet durable (this process is the only writer).
  const pendingKeys = new Map<string, { stored: StoredIdempotent; durable: Promise<void> }>();
  // Credential ids whose record is queued but not yet durable: a get() does not see them yet.
  const pendingRecords = new Set<string>();
  let chainKey: Buffer = Buffer.alloc(0);
  // `tip` is the last entry handed to the writer, durable or not; new
  // entries chain onto it. `durableHead` is the last durable one, so
  // `auditHead()` never exports an anchor that a crash could take back.
  let durableHead: AuditHead = ((await db.meta.get(HEAD_KEY)) as AuditHead | undefined) ?? {
    seq: 0,
    hash: GENESIS_HASH,
  };
  let tip = durableHead;
  let closed = false;
  // Rate-limit buckets: in memory, as before there was a contract method for them. One
  // process holds the folder, so nothing is shared, and a restart refilling every bucket
  // costs at most one burst per key. Bounded by the API keys: only authenticated keys are limited.
  const buckets = new Map<string, TokenBucket>();

  for (const [slug, m] of await entries<MinistryRecord>(db.ministries)) ministries.set(slug, m);
  for (const [, meta] of await entries<StatusListMeta>(db.lists)) {
    lists.set(meta.listId, { meta, bitmap: new Uint8Array(meta.length / 8), allocated: 0 });
  }
  const allocated = new Set<string>();
  for await (const key of db.alloc.keys()) {
    allocated.add(key);
    const bang = key.lastIndexOf('!');
    const state = lists.get(key.slice(0, bang));
    if (!state) continue;
    const index = Number(key.slice(bang + 1));
    if (!isSet(state.bitmap, index)) {
      set(state.bitmap, index);
      state.allocated += 1;
    }
  }
  for await (const [key, value] of db.meta.iterator({ gte: VERSION_PREFIX, lt: `${VERSION_PREFIX}\uffff` })) {
    versions.set(key.slice(VERSION_PREFIX.length), value as number);
  }
  if (start.check) {
    await checkLevelDbConsistency(
      db,
      durableHead,
      allocated,
      new Set(lists.keys()),
      allocKey,
      await readHeadExport(start.headFile),
      start.anchor,
    );
  }
  allocated.clear();
  const headExport = createHeadExport(start.headFile);
  // Anchor what was just found consistent (a store made before this check gets its first copy now).
  if (start.check) headExport.update(durableHead);
  const currentKey = (slug: string, purpose: StatusPurpose) => `${slug}:${purpose}`;

  const pickCurrent = (maxAllocations: number) => {
    // The current list is the lowest one with room; later ones are standby.
    // When every list is full, the highest one: the next reservation opens a new one.
    currentList.clear();
    const bySeq = [...lists.values()].sort((a, b) => a.meta.seq - b.meta.seq);
    const highest = new Map<string, string>();
    for (const state of bySeq) {
      const key = currentKey(state.meta.ministry, state.meta.purpose);
      highest.set(key, state.meta.listId);
      if (!currentList.has(key) && state.allocated < effectiveCap(state.meta, maxAllocations)) {
        currentList.set(key, state.meta.listId);
      }
    }
    for (const [key, listId] of highest) if (!currentList.has(key)) currentList.set(key, listId);
  };
  let pickedFor: number | undefined;

  /**
   * Queues `ops` with the audit entries describing them, as one unit of the
   * writer, and moves the tip at once, so the section can be left before
   * the batch is synced; await the returned promise outside it. If the batch
   * fails, the writer refuses every later write (fail-stop), so no entry is
   * ever written onto a missing one; reopening reloads the head from disk.
   */
  const queue = (ops: Op[], appends: AuditAppend[]): Promise<void> => {
    const stopped = db.writer.failure;
    if (stopped) throw new StorageWriteError('writes-stopped', { cause: stopped });
    const all = [...ops];
    let head = tip;
    for (const append of appends) {
      const entry = chainEntry(chainKey, head, append, now());
      head = { seq: entry.seq, hash: entry.hash };
      all.push({ type: 'put', sublevel: db.audit, key: auditKey(entry.seq), value: entry });
    }
    all.push({ type: 'put', sublevel: db.meta, key: HEAD_KEY, value: head });
    const durable = commit(db, all, () => {
      if (head.seq > durableHead.seq) {
        durableHead = head;
        headExport.update(head);
      }
    });
    tip = head;
    return durable;
  };

  const keystore: KeyStoreBackend = {
    get: (key) => db.keystore.get(key),
    put: (key, value, options) => db.keystore.put(key, value, options),
    keys: (options) => db.keystore.keys(options),
    async putIfAbsent(key, value) {
      return lock(async () => {
        const existing = await db.keystore.get(key);
        if (existing !== undefined) return existing;
        await db.keystore.put(key, value, { sync: true });
        return value;
      });
    },
  };

  const storage: LevelDbStorage = {
    engine: 'leveldb',
    db,

    async setting(name, create) {
      return lock(async () => {
        const existing = (await db.meta.get(name)) as string | undefined;
        if (existing !== undefined) return existing;
        const value = create();
        await db.meta.put(name, value, { sync: true });
        return value;
      });
    },
    // One process holds the folder: nobody else can run the section.
    exclusive: (_name, fn) => fn(),

    ministries: () => [...ministries.values()],
    getMinistry: async (slug) => ministries.get(slug),
    async addMinistry(record, newLists, audit) {
      return lock(async () => {
        const existing = ministries.get(record.slug);
        if (existing) return { record: existing, created: false };
        const ops: Op[] = [
          { type: 'put', sublevel: db.ministries, key: record.slug, value: record },
          ...newLists.map((meta): Op => ({ type: 'put', sublevel: db.lists, key: meta.listId, value: meta })),
        ];
        await queue(ops, [audit]);
        for (const meta of newLists)
          lists.set(meta.listId, { meta, bitmap: new Uint8Array(meta.length / 8), allocated: 0 });
        ministries.set(record.slug, record);
        pickedFor = undefined;
        return { record, created: true };
      });
    },
    async updateMinistry(slug, change) {
      return lock(async () => {
        const current = ministries.get(slug);
        if (!current) throw new VneidError('UNKNOWN_MINISTRY', `no ministry ${slug.slice(0, 64)}`);
        const next = await change(current);
        if (!next) return current;
        await queue([{ type: 'put', sublevel: db.ministries, key: slug, value: next.record }], [next.audit]);
        ministries.set(slug, next.record);
        return next.record;
      });
    },
    keyStoreBackend: () => keystore,

    async reserveSlots(slug, policy) {
      return lock(async () => {
        if (pickedFor !== policy.maxAllocationsPerList) {
          pickCurrent(policy.maxAllocationsPerList);
          pickedFor = policy.maxAllocationsPerList;
        }
        const ops: Op[] = [];
        const slots: Partial<Record<StatusPurpose, StatusSlot>> = {};
        for (const purpose of PURPOSES) {
          const key = currentKey(slug, purpose);
          const full = (s: ListState) => s.allocated >= effectiveCap(s.meta, policy.maxAllocationsPerList);
          let state = lists.get(currentList.get(key) ?? '');
          if (!state || full(state)) {
            // Move to the standby list (already published) and open the next standby.
            const fresh = (n: number) => ({
              meta: statusListMeta(slug, purpose, n, policy),
              bitmap: new Uint8Array(policy.length / 8),
              allocated: 0,
            });
            let seq = state?.meta.seq ?? 0;
            // A later list may be closed too (it is shorter than the cap needs): skip it.
            do {
              seq += 1;
              state = lists.get(`${slug}-${purpose}-${seq}`) ?? fresh(seq);
            } while (full(state));
            lists.set(state.meta.listId, state);
            currentList.set(key, state.meta.listId);
            const standby = lists.get(`${slug}-${purpose}-${seq + 1}`) ?? fresh(seq + 1);
            lists.set(standby.meta.listId, standby);
            ops.push({ type: 'put', sublevel: db.lists, key: standby.meta.listId, value: standby.meta });
          }
          // Written again with every reservation: idempotent, and it makes a new
          // list durable in the same batch as the first record that uses it.
          ops.push({ type: 'put', sublevel: db.lists, key: state.meta.listId, value: state.meta });
          let index: number;
          do index = randomInt(state.meta.length);
          while (isSet(state.bitmap, index));
          set(state.bitmap, index);
          state.allocated += 1;
          ops.push({ type: 'put', sublevel: db.alloc, key: allocKey(state.meta.listId, index), value: true });
          slots[purpose] = { listId: state.meta.listId, index };
        }
        const result = slots as { revocation: StatusSlot; suspension: StatusSlot };
        reserved.set(slotKey(result), ops);
        return result;
      });
    },
    async recordIssuance(write) {
      const { record, audit, idempotency } = write;
      const idemKey = idempotency ? `${record.ministry}!${idempotency.key}` : undefined;
      const queued = await lock(async () => {
        // A reservation serves one call whatever its outcome: when this write is refused or
        // superseded, its indexes are dropped unwritten, as a crash between reserve and
        // record drops them, so no allocation without a record reaches the disk (consistency.ts).
        const slotOps = record.status ? (reserved.get(slotKey(record.status)) ?? []) : [];
        if (record.status) reserved.delete(slotKey(record.status));
        if (idemKey) {
          const pending = pendingKeys.get(idemKey);
          if (pending) return { taken: pending, durable: pending.durable };
          const stored = (await db.idempotency.get(idemKey)) as StoredIdempotent | undefined;
          if (stored) return { taken: { stored, durable: Promise.resolve() }, durable: Promise.resolve() };
        }
        // Checked in the section: a rotation holds it until the new windows are durable and in memory.
        if (!stillSigns(ministries.get(record.ministry), record)) {
          throw new VneidError('KEY_RETIRED', 'the signing key was retired while this credential was being signed');
        }
        // Decided in the section, against durable and queued records alike: a put would
        // silently replace the first credential's record (and its status slots).
        if (pendingRecords.has(record.id) || (await db.records.get(record.id)) !== undefined) {
          throw credentialIdConflict(record.id);
        }
        const ops: Op[] = [{ type: 'put', sublevel: db.records, key: record.id, value: record }, ...slotOps];
        if (idemKey && idempotency) {
          ops.push({
            type: 'put',
            sublevel: db.idempotency,
            key: idemKey,
            value: { requestDigest: idempotency.requestDigest, credential: idempotency.credential },
          });
        }
        const durable = queue(ops, [audit]);
        pendingRecords.add(record.id);
        durable.then(
          () => pendingRecords.delete(record.id),
          () => pendingRecords.delete(record.id),
        );
        if (idemKey && idempotency) {
          const stored = { requestDigest: idempotency.requestDigest, credential: idempotency.credential };
          pendingKeys.set(idemKey, { stored, durable });
          durable.then(
            () => pendingKeys.delete(idemKey),
            () => pendingKeys.delete(idemKey),
          );
        }
        return { taken: undefined, durable };
      });
      if (queued.taken) {
        await queued.taken.durable;
        return queued.taken.stored;
      }
      // Nothing is acknowledged before the batch holding the record is synced.
      await queued.durable;
      return undefined;
    },
    async findIdempotent(ministry, key) {
      const pending = pendingKeys.get(`${ministry}!${key}`);
      if (pending) {
        await pending.durable;
        return pending.stored;
      }
      return (await db.idempotency.get(`${ministry}!${key}`)) as StoredIdempotent | undefined;
    },
    getRecord: async (id) => (await db.records.get(id)) as IssuanceRecord | undefined,
    async *records() {
      for await (const [, value] of db.records.iterator()) yield value as IssuanceRecord;
    },

    async changeStatus(ids, decide, at) {
      return lock(async () => {
        const ops: Op[] = [];
        const updated: IssuanceRecord[] = [];
        const appends: AuditAppend[] = [];
        const touched = new Set<string>();
        for (const id of ids) {
          const record = (await db.records.get(id)) as IssuanceRecord | undefined;
          if (!record) throw unknownCredential(id);
          const { state, audit } = decide(record);
          const next: IssuanceRecord = { ...record, state, stateChangedAt: at };
          if (record.status) {
            const { revocation, suspension } = record.status;
            const bit = (slot: StatusSlot, on: boolean): Op =>
              on
                ? { type: 'put', sublevel: db.bits, key: `${slot.listId}!${slot.index}`, value: true }
                : { type: 'del', sublevel: db.bits, key: `${slot.listId}!${slot.index}` };
            // A revoked credential shows only as revoked: its suspension bit is cleared.
            ops.push(bit(revocation, state === 'revoked'), bit(suspension, state === 'suspended'));
            touched.add(revocation.listId);
            touched.add(suspension.listId);
          }
          ops.push({ type: 'put', sublevel: db.records, key: record.id, value: next });
          updated.push(next);
          appends.push(audit);
        }
        for (const listId of touched) {
          const version = (versions.get(listId) ?? 0) + 1;
          versions.set(listId, version);
          ops.push({ type: 'put', sublevel: db.meta, key: VERSION_PREFIX + listId, value: version });
        }
        // One batch: the changes and one audit entry per credential, all or nothing.
        await queue(ops, appends);
        return updated;
      });
    },

    statusLists: () => [...lists.values()].map((s) => s.meta),
    async statusListAllocations() {
      // The counters live in memory (rebuilt on open); a closed store still answers nothing, like any read.
      if (closed || db.root.status !== 'open') throw new StorageUnavailableError();
      return [...lists.values()].map((s) => ({ listId: s.meta.listId, allocated: s.allocated }));
    },
    getStatusList: async (listId) => lists.get(listId)?.meta,
    async publishedList(listId): Promise<PublishedState> {
      const stored = (await db.signedLists.get(listId)) as (SignedList & { version?: number }) | undefined;
      const signed = stored
        ? { credential: stored.credential, signedAt: stored.signedAt, validUntil: stored.validUntil }
        : undefined;
      return { signed, publishedVersion: stored?.version ?? 0, version: versions.get(listId) ?? 0 };
    },
    async listBits(listId) {
      return lock(async () => {
        const indexes: number[] = [];
        for await (const key of db.bits.keys({ gte: `${listId}!`, lt: `${listId}!\uffff` })) {
          indexes.push(Number(key.slice(listId.length + 1)));
        }
        return { version: versions.get(listId) ?? 0, indexes };
      });
    },
    async publishList(listId, signed, version) {
      return lock(async () => {
        if ((versions.get(listId) ?? 0) !== version) return false;
        const previous = (await db.signedLists.get(listId)) as SignedList | undefined;
        if (previous && Date.parse(previous.signedAt) >= Date.parse(signed.signedAt)) return false;
        await db.signedLists.put(listId, { ...signed, version }, { sync: true });
        return true;
      });
    },

    setAuditKey(key) {
      chainKey = key;
    },
    async appendAudit(append) {
      // Queued in the section (chain order), synced outside it with whatever else is queued.
      const durable = await lock(async () => ({ p: queue([], [append]) }));
      await durable.p;
    },
    auditHead: () => ({ ...durableHead }),
    loadAuditHead: async () =>
      ((await db.meta.get(HEAD_KEY)) as AuditHead | undefined) ?? { seq: 0, hash: GENESIS_HASH },
    async *auditEntries() {
      for await (const [key, entry] of db.audit.iterator()) {
        const e = entry as AuditEntry;
        // An entry stored under another seq's key is out of chain.
        yield e && typeof e === 'object' && key === auditKey(e.seq) ? e : ({ ...e, seq: Number.NaN } as AuditEntry);
      }
    },

    async apiKeys() {
      return (await entries<ApiKeyRecord>(db.apiKeys)).map(([, v]) => v);
    },
    async addApiKey(entry) {
      // Never overwrite: re-adding a revoked key (an old api-keys.json imported again) must not revive it.
      await apiKeyLock(async () => {
        if ((await db.apiKeys.get(entry.sha256)) !== undefined) return;
        const value = { createdAt: now().toISOString(), ...entry };
        await commit(db, [{ type: 'put', sublevel: db.apiKeys, key: entry.sha256, value }]);
      });
    },
    async findApiKey(sha256) {
      return (await db.apiKeys.get(sha256)) as ApiKeyRecord | undefined;
    },
    async revokeApiKey(id, at) {
      return apiKeyLock(async () => {
        const found = (await entries<ApiKeyRecord>(db.apiKeys)).find(([k]) => apiKeyId(k) === id)?.[1];
        if (!found) return undefined;
        if (found.revokedAt) return found;
        const revoked = { ...found, revokedAt: at };
        await commit(db, [{ type: 'put', sublevel: db.apiKeys, key: found.sha256, value: revoked }]);
        return revoked;
      });
    },

    async consumeRateLimit(key, request) {
      checkRateLimitRequest(key, request);
      if (closed) throw new StorageUnavailableError();
      const { bucket, decision } = takeTokens(buckets.get(key), request);
      buckets.set(key, bucket);
      return decision;
    },

    async createBatch(batch, items) {
      const ops: Op[] = [{ type: 'put', sublevel: db.batches, key: batch.id, value: batch }];
      for (const [i, item] of items.entries()) {
        ops.push({ type: 'put', sublevel: db.batchItems, key: itemKey(batch.id, i), value: item });
      }
      await commit(db, ops);
    },
    getBatch: async (id) => (await db.batches.get(id)) as BatchRecord | undefined,
    async pendingBatchItems(id) {
      const range = { gte: `${id}!`, lt: `${id}!\uffff` };
      const done = new Set((await entries(db.batchResults, range)).map(([k]) => k));
      return (await entries<JsonObject>(db.batchItems, range))
        .filter(([k]) => !done.has(k))
        .map(([k, item]) => ({ index: Number(k.slice(id.length + 1)), item }));
    },
    async putBatchResult(id, result) {
      await batchLock(async () => {
        const key = itemKey(id, result.index);
        if ((await db.batchResults.get(key)) !== undefined) return;
        await commit(db, [{ type: 'put', sublevel: db.batchResults, key, value: result }]);
      });
    },
    async batchResults(id) {
      return (await entries<BatchItemResult>(db.batchResults, { gte: `${id}!`, lt: `${id}!\uffff` })).map(([, v]) => v);
    },
    async finishBatch(id, at) {
      const batch = (await db.batches.get(id)) as BatchRecord | undefined;
      if (!batch || batch.finishedAt) return;
      const ops: Op[] = [{ type: 'put', sublevel: db.batches, key: id, value: { ...batch, finishedAt: at } }];
      for (const [k] of await entries(db.batchItems, { gte: `${id}!`, lt: `${id}!\uffff` })) {
        ops.push({ type: 'del', sublevel: db.batchItems, key: k });
      }
      await commit(db, ops);
    },
    async unfinishedBatches() {
      return (await entries<BatchRecord>(db.batches)).map(([, v]) => v).filter((b) => !b.finishedAt);
    },

    refresh: async () => undefined,
    async close() {
      if (closed) return;
      closed = true;
      // Let in-flight sections queue their writes, and the writer sync them, before the handle goes.
      await lock(async () => undefined);
      await db.writer.drain();
      await headExport.flush();
      await db.root.close();
    },

    async statusListSummaries() {
      if (closed || db.root.status !== 'open') throw new StorageUnavailableError();
      // The copies first, the change counters after: a change a copy lacks then always shows.
      // Each copy is parsed whole (LevelDB has no partial read); one pass over one sublevel.
      const copies = new Map<string, SignedList & { version?: number }>();
      for await (const [listId, stored] of db.signedLists.iterator()) copies.set(listId, stored);
      return [...lists.values()].map(({ meta }) => {
        const copy = copies.get(meta.listId);
        return {
          listId: meta.listId,
          ministry: meta.ministry,
          version: versions.get(meta.listId) ?? 0,
          publishedVersion: copy?.version ?? 0,
          ...(copy ? { signedAt: copy.signedAt, validUntil: copy.validUntil } : {}),
        };
      });
    },
  };
  return storage;
}

function itemKey(batchId: string, index: number): string {
  return `${batchId}!${String(index).padStart(6, '0')}`;
}

function slotKey(slots: { revocation: StatusSlot; suspension: StatusSlot }): string {
  return `${slots.revocation.listId}!${slots.revocation.index}|${slots.suspension.listId}!${slots.suspension.index}`;
}
