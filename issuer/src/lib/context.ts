import type { JsonLdContextDocument, KeyPair } from '@vneid/core';
import type { KeyStore } from '../key-store.js';
import type { IssuerStorage } from '../storage/contract.js';
import type { SigningPool } from './worker-pool.js';

/** Everything the issuer's operations share. Private to the package. */
export interface IssuerContext {
  /** Everything kept goes through the storage contract, never an engine. */
  storage: IssuerStorage;
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
  /** Contexts beyond the bundled W3C set that general credentials may use (pinned by digest at start). */
  generalContexts: ReadonlyMap<string, JsonLdContextDocument>;
  /** How far in the past a caller may set `validFrom` (seconds); see validity-policy.ts. */
  maxBackdatingSeconds: number;
  /**
   * Re-sign a list in the status-change call itself (LevelDB: today's
   * behaviour), or only when it is next served (PostgreSQL: a revoke is then
   * a row update whose cost does not grow with the list's fill; the served
   * list is still rebuilt from the database's bits before anyone sees it).
   */
  publishOnChange: boolean;
  /** HMAC key of the audit chain, derived from the passphrase (never stored). */
  auditChainKey: Buffer;
  /** Decrypted signing keys by key id (ids are never reused; retirement is checked on the record). */
  keyCache: Map<string, KeyPair>;
  /** Called after this process changed status bits or added lists: drops the kept status list index. */
  statusListsChanged?: () => void;
  /** Signing threads kept for the issuer's life (`signingWorkers`), if any. */
  signingPool?: SigningPool;
  closed: boolean;
}

export function statusListUrl(ctx: Pick<IssuerContext, 'baseUrl'>, listId: string): string {
  return new URL(`status-lists/${encodeURIComponent(listId)}`, ctx.baseUrl).toString();
}

/** The allocation policy of this issuer. */
export function allocationPolicy(ctx: IssuerContext) {
  return { length: ctx.statusListLength, maxAllocationsPerList: ctx.maxAllocationsPerList, now: ctx.now };
}
