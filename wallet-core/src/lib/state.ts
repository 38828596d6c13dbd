import type { RelyingPartyRegistration } from '@vneid/core';
import {
  createDocumentLoader,
  type DocumentLoader,
  type JsonLdContextDocument,
  type KeyPair,
  type OfflineDidResolver,
  type TrustBundleIssuer,
  VneidError,
} from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';
import type { CredentialShape } from './inspect-credential.js';
import type { Vault } from './vault.js';

/** Status of a held credential as of the last {@link refreshStatus}. */
export type CredentialStatus = 'active' | 'revoked' | 'suspended' | 'unknown';

/** The encrypted index entry of a credential: enough to list and pick without opening the credential. */
export interface StoredSummary extends CredentialShape {
  status: CredentialStatus;
  statusCheckedAt?: string;
  /** validFrom of the newest status list seen per URL: an older list is a rollback. */
  listsSeen: Record<string, string>;
  addedAt: string;
  /** Digest of the whole credential: adding the same credential again is a no-op. */
  digest: string;
  /** The issuer against the wallet's trust list when it was added (absent in entries older than the option). */
  issuerTrust?: IssuerTrust;
}

/** `trusted`/`untrusted` against the wallet's `trustedIssuers`; `unchecked` when the wallet has none. */
export type IssuerTrust = 'trusted' | 'untrusted' | 'unchecked';

/** One disclosed credential in the transaction log: names of fields, never values. */
export interface HistoryCredential {
  id: string;
  type: string;
  fields: string[];
}

/** One presentation as the log keeps it. */
export interface HistoryEntry {
  id: string;
  at: string;
  domain: string;
  credentials: HistoryCredential[];
  /** The verifier's stated reasons, as shown to the citizen. */
  reasons: string[];
}

export interface StoredLogEntry extends HistoryEntry {
  seq: number;
}

/** Name of the holder key record. */
export const HOLDER_RECORD = 'holder';

/** The live state of an open wallet, shared by the operations. */
export interface WalletState {
  vault: Vault;
  holderKey: KeyPair;
  resolver: OfflineDidResolver;
  now: () => Date;
  closed: boolean;
  /** The trust bundle's issuers, when the wallet checks issuers. */
  trustedIssuers?: readonly TrustBundleIssuer[];
  untrustedIssuers: 'mark' | 'refuse';
  /** Next transaction-log sequence number; read from the log on first use. */
  nextSeq?: number;
  /** Serializes every operation: a passphrase change must not interleave with a write. */
  queue: Promise<unknown>;
  /** The loader of the last operation, kept while the registered contexts stay the same. */
  loader?: { contextUrls: string; documentLoader: DocumentLoader };
  /** Relying parties from the trust bundle, by domain (what each may ask for). */
  relyingParties: Map<string, RelyingPartyRegistration>;
  /** Previews shown and not yet answered (in memory: a consent never outlives the app session). */
  previews: Map<string, import('../preview.js').ConsentPreview>;
  /** OpenID4VP requests previewed and not yet answered, by preview id (in memory, like their previews). */
  authorizationRequests: Map<string, import('../oid4vp/receive-request.js').PendingAuthorizationRequest>;
}

/** Runs `fn` after every earlier operation on the wallet has settled. */
export function serialized<T>(state: WalletState, fn: () => Promise<T>): Promise<T> {
  const run = state.queue.then(() => {
    if (state.closed) throw new VneidError('WALLET_LOCKED', 'the wallet is closed');
    return fn();
  });
  state.queue = run.catch(() => undefined);
  return run;
}

/**
 * The static, offline loader: bundled W3C contexts, every registered credential
 * type's context, DIDs from the wallet's resolver. Rebuilt when a type is
 * registered after opening; otherwise kept, so its compiled canonicalization
 * templates serve every operation.
 */
export function documentLoaderFor(state: WalletState): DocumentLoader {
  const contexts = registeredContexts() as Map<string, JsonLdContextDocument>;
  const contextUrls = [...contexts.keys()].join('\n');
  if (state.loader?.contextUrls !== contextUrls) {
    state.loader = { contextUrls, documentLoader: createDocumentLoader({ contexts, resolver: state.resolver }) };
  }
  return state.loader.documentLoader;
}

/** True when `summary` is within its validity window at `now`. */
export function isCurrent(summary: Pick<StoredSummary, 'validFrom' | 'validUntil'>, now: Date): boolean {
  const t = now.getTime();
  if (summary.validFrom !== undefined && Date.parse(summary.validFrom) > t) return false;
  if (summary.validUntil !== undefined && Date.parse(summary.validUntil) <= t) return false;
  return true;
}
