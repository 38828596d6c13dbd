import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VneidError } from '@vneid/core';
import { Level } from 'level';
import { createGroupCommit, type GroupCommit } from './group-commit.js';

/** A JSON-valued sublevel (the subset of abstract-level we use). */
export interface Sub {
  get(key: string): Promise<any>;
  put(key: string, value: unknown, options?: { sync?: boolean }): Promise<void>;
  iterator(options?: { gte?: string; lt?: string }): AsyncIterable<[string, any]>;
  keys(options?: { gte?: string; lt?: string }): AsyncIterable<string>;
}

/** The sublevels of the issuer database, one per kind of record. */
export interface IssuerDb {
  root: Level<string, any>;
  /** credential id → IssuanceRecord (no personal data). */
  records: Sub;
  /** `<listId>!<index>` → true: every index ever allocated (the persisted allocation bitmap). */
  alloc: Sub;
  /** `<listId>!<index>` → true while the status bit is set. */
  bits: Sub;
  /** listId → StatusListMeta. */
  lists: Sub;
  /** listId → the last signed status list credential. */
  signedLists: Sub;
  /** slug → MinistryRecord (public key data only). */
  ministries: Sub;
  /** zero-padded seq → AuditEntry. */
  audit: Sub;
  /** singletons: audit head. */
  meta: Sub;
  /** the encrypted key store's own space. */
  keystore: Sub;
  /** `<ministry>!<idempotency key>` → { requestDigest, credential }. */
  idempotency: Sub;
  /** sha256 → ApiKeyRecord. */
  apiKeys: Sub;
  /** batch id → BatchRecord. */
  batches: Sub;
  /** `<batch id>!<zero-padded index>` → the item's request, until the batch is finished. */
  batchItems: Sub;
  /** `<batch id>!<zero-padded index>` → BatchItemResult. */
  batchResults: Sub;
  /** The single writer of synced batches (group commit); {@link commit} goes through it. */
  writer: GroupCommit<Op>;
}

/** One operation of an atomic multi-sublevel batch. */
export type Op =
  | { type: 'put'; sublevel: Sub; key: string; value: unknown }
  | { type: 'del'; sublevel: Sub; key: string };

/**
 * Opens (creating if needed) the LevelDB under `dataDir`. LevelDB holds an
 * exclusive file lock, so a second process or instance fails here; we turn
 * level's generic "not open" into a code callers can act on.
 *
 * @throws {VneidError} DATABASE_LOCKED when another process or instance holds the database.
 */
export async function openIssuerDb(dataDir: string): Promise<IssuerDb> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const root = new Level<string, any>(join(dataDir, 'issuer.db'), { valueEncoding: 'json' });
  try {
    await root.open();
  } catch (cause) {
    const c = cause as { code?: string; cause?: { code?: string } };
    if (c.code === 'LEVEL_LOCKED' || c.cause?.code === 'LEVEL_LOCKED') {
      throw new VneidError('DATABASE_LOCKED', `issuer database in ${dataDir} is in use by another process`, {
        cause,
      });
    }
    throw cause;
  }
  const sub = (name: string) => root.sublevel<string, any>(name, { valueEncoding: 'json' }) as unknown as Sub;
  return {
    root,
    // `root.batch` is looked up at each write, not captured here.
    writer: createGroupCommit<Op>((ops) => root.batch(ops as any, { sync: true })),
    records: sub('records'),
    alloc: sub('alloc'),
    bits: sub('bits'),
    lists: sub('lists'),
    signedLists: sub('signed-lists'),
    ministries: sub('ministries'),
    audit: sub('audit'),
    meta: sub('meta'),
    keystore: sub('keystore'),
    idempotency: sub('idempotency'),
    apiKeys: sub('api-keys'),
    batches: sub('batches'),
    batchItems: sub('batch-items'),
    batchResults: sub('batch-results'),
  };
}

/**
 * Writes `ops` atomically and durably: everything acknowledged to a caller is
 * on disk. They are queued at once, in call order, and share a synced batch
 * with whatever else is queued meanwhile (see {@link createGroupCommit}).
 *
 * @throws {StorageWriteError} INTERNAL_ERROR when the batch fails or an earlier one did.
 */
export function commit(db: IssuerDb, ops: Op[], onDurable?: () => void): Promise<void> {
  return db.writer.write(ops, onDurable);
}

/** Every [key, value] of a sublevel within an optional key range, in key order. */
export async function entries<V = any>(
  sub: Sub,
  range: { gte?: string; lt?: string } = {},
): Promise<Array<[string, V]>> {
  const out: Array<[string, V]> = [];
  for await (const [key, value] of (sub as any).iterator(range)) out.push([key as string, value as V]);
  return out;
}
