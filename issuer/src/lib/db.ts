import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VneidError } from '@vneid/core';
import { Level } from 'level';

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
    records: sub('records'),
    alloc: sub('alloc'),
    bits: sub('bits'),
    lists: sub('lists'),
    signedLists: sub('signed-lists'),
    ministries: sub('ministries'),
    audit: sub('audit'),
    meta: sub('meta'),
    keystore: sub('keystore'),
  };
}

/** Writes `ops` atomically and durably: everything acknowledged to a caller is on disk. */
export async function commit(db: IssuerDb, ops: Op[]): Promise<void> {
  await db.root.batch(ops as any, { sync: true });
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
