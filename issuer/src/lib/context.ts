import type { KeyPair, StatusPurpose } from '@vneid/core';
import type { KeyStore } from '../key-store.js';
import type { AuditHead } from './audit.js';
import type { IssuerDb } from './db.js';
import type { MinistryRecord, StatusListMeta } from './types.js';
import type { SigningPool } from './worker-pool.js';

/** In-memory allocation state of one status list (rebuilt from the `alloc` sublevel on open). */
export interface ListState {
  meta: StatusListMeta;
  /** One bit per index: set once allocated (persisted or reserved), never cleared. */
  bitmap: Uint8Array;
  allocated: number;
}

/** Everything the issuer's operations share. Private to the package. */
export interface IssuerContext {
  db: IssuerDb;
  keyStore: KeyStore;
  baseUrl: URL;
  now: () => Date;
  /** Seconds a signed status list credential stays valid. */
  statusListValidity: number;
  /** Seconds after signing at which a served list is re-signed. */
  statusListRefresh: number;
  statusListLength: number;
  /** A list takes no more allocations past this count; a fresh one is opened. */
  maxAllocationsPerList: number;
  ministries: Map<string, MinistryRecord>;
  /** listId → state. */
  lists: Map<string, ListState>;
  /** `${slug}:${purpose}` → the list currently allocated from. */
  currentList: Map<string, string>;
  auditHead: AuditHead;
  /** HMAC key of the audit chain, derived from the passphrase (never stored). */
  auditChainKey: Buffer;
  /** Decrypted signing keys by key id (only keys that may still sign). */
  keyCache: Map<string, KeyPair>;
  /** Signing threads kept for the issuer's life (`signingWorkers`), if any. */
  signingPool?: SigningPool;
  lock: <T>(section: () => Promise<T>) => Promise<T>;
  closed: boolean;
}

export function currentListKey(slug: string, purpose: StatusPurpose): string {
  return `${slug}:${purpose}`;
}

export function statusListUrl(ctx: Pick<IssuerContext, 'baseUrl'>, listId: string): string {
  return new URL(`status-lists/${encodeURIComponent(listId)}`, ctx.baseUrl).toString();
}
