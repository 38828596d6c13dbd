import {
  createOfflineDidResolver,
  type ExportedKeyPair,
  generateKeyPair,
  importKeyPair,
  type JsonObject,
  type KeyType,
  type OfflineDidResolver,
  type RelyingPartyRegistration,
  type TrustBundleIssuer,
  VneidError,
} from '@vneid/core';
import { Level } from 'level';
import { type AddResult, addCredential } from './add-credential.js';
import { changePassphrase } from './change-passphrase.js';
import { type ConsentReceipt, consents, refuse } from './consents.js';
import { exportBackup } from './export-backup.js';
import { getCredential } from './get-credential.js';
import { history } from './history.js';
import { type ImportResult, importBackup } from './import-backup.js';
import { assertPassphrase } from './lib/passphrase.js';
import { type HistoryEntry, HOLDER_RECORD, serialized, type WalletState } from './lib/state.js';
import { Vault } from './lib/vault.js';
import { type CredentialSummary, listCredentials } from './list-credentials.js';
import { acceptCredentialOffer, type OfferPreview, previewCredentialOffer } from './oid4vci/receive-offer.js';
import { type PresentResult, present } from './present.js';
import { type Consent, type ConsentPreview, preview } from './preview.js';
import { refreshStatus, type StatusListFetcher, type StatusRefreshSummary } from './refresh-status.js';
import { removeCredential } from './remove-credential.js';

/** Options of {@link openWallet}. */
export interface WalletOptions {
  /** Folder of the LevelDB database (created on first open). */
  path: string;
  passphrase: string;
  /** Holder key algorithm, used only when the wallet is created. Default Ed25519. */
  keyType?: KeyType;
  /** Resolves issuer DIDs offline (did:web documents from a trust bundle); default: did:key only. */
  resolver?: OfflineDidResolver;
  /** The wallet's clock. Default: the system clock. */
  now?: () => Date;
  /**
   * The issuers of the trust bundle (its `issuers`). A credential's issuer is trusted when it is listed, may
   * issue the credential's type and signed it with one of its listed keys that is not compromised. Without
   * it every credential is stored with `issuerTrust: 'unchecked'`.
   */
  trustedIssuers?: readonly TrustBundleIssuer[];
  /** What `add` does with an issuer outside `trustedIssuers`: `mark` (default: stored, listed with `issuerTrust: 'untrusted'`) or `refuse` (ISSUER_NOT_TRUSTED). */
  untrustedIssuers?: 'mark' | 'refuse';
  /** Relying parties registered in the (verified) trust bundle: what each may ask for. */
  relyingParties?: RelyingPartyRegistration[];
}

/** An open wallet. Every method runs after the previous one settled. */
export interface Wallet {
  /** The holder's did:key: credentials must be issued to it. */
  readonly holderDid: string;
  add(credential: unknown): Promise<AddResult>;
  list(options?: { type?: string }): Promise<CredentialSummary[]>;
  get(id: string): Promise<JsonObject | undefined>;
  remove(id: string): Promise<boolean>;
  /** Reads an OpenID4VCI offer and says what would be received; stores nothing. */
  previewOffer(offerUri: string): Promise<OfferPreview>;
  /** Redeems a previewed offer (with the citizen's transaction code) and stores what it receives. */
  acceptOffer(preview: OfferPreview, options?: { txCode?: string }): Promise<AddResult[]>;
  /** Who asks, why, for what, kept how long: show it to the citizen, then `present` with its consent or `refuse`. */
  preview(request: unknown): Promise<ConsentPreview>;
  present(request: unknown, consent: Consent): Promise<PresentResult>;
  refuse(previewId: string): Promise<ConsentReceipt>;
  /** Every consent and refusal, newest first (field names, never values). */
  consents(): Promise<ConsentReceipt[]>;
  history(): Promise<HistoryEntry[]>;
  refreshStatus(fetchStatusList: StatusListFetcher): Promise<StatusRefreshSummary>;
  export(backupPassphrase: string): Promise<string>;
  importBackup(blob: string, backupPassphrase: string): Promise<ImportResult>;
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;
  /** Waits for running operations, forgets the keys and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) an encrypted wallet in a LevelDB folder. On first open
 * it writes a plaintext header (scrypt salt and cost), a key-check record and
 * a new holder key pair (a did:key), all in one synced batch. Everything but
 * the header is AES-256-GCM encrypted under a key derived from the
 * passphrase, record keys included (HMACs of the names).
 *
 * A wrong passphrase writes nothing and leaves the wallet readable with the
 * right one.
 *
 * @example
 * const wallet = await openWallet({ path: '/data/vneid-wallet', passphrase: 'cụm mật khẩu dài của tôi' })
 * await wallet.add(credential); const { presentation } = await wallet.present(request)
 * @throws {VneidError} WALLET_LOCKED for a wrong passphrase, WALLET_CORRUPTED for a damaged or foreign
 *   database, DATABASE_LOCKED when another process has it open, INVALID_KEY for a damaged holder key.
 * @throws {TypeError} for an empty passphrase, a missing path or an unknown key type.
 */
export async function openWallet(options: WalletOptions): Promise<Wallet> {
  if (!options || typeof options.path !== 'string' || options.path.length === 0) {
    throw new TypeError('path must be a non-empty string');
  }
  assertPassphrase(options.passphrase);
  const keyType = options.keyType ?? 'Ed25519';
  if (keyType !== 'Ed25519' && keyType !== 'P-256') throw new TypeError("keyType must be 'Ed25519' or 'P-256'");
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');

  const db = new Level<string, unknown>(options.path, { valueEncoding: 'json' });
  try {
    await db.open();
  } catch (cause) {
    const locked = (cause as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED';
    throw new VneidError(locked ? 'DATABASE_LOCKED' : 'WALLET_CORRUPTED', 'cannot open the wallet database', { cause });
  }
  let vault: Vault | undefined;
  try {
    let holder: ExportedKeyPair;
    if (await Vault.isEmpty(db)) {
      const created = await Vault.create(db, options.passphrase);
      vault = created.vault;
      holder = (await generateKeyPair({ keyType })).export({ includeSecret: true });
      await vault.write([...created.ops, vault.put('holder', HOLDER_RECORD, holder)]);
    } else {
      vault = await Vault.unlock(db, options.passphrase);
      const stored = await vault.get<ExportedKeyPair>('holder', HOLDER_RECORD);
      if (!stored) throw new VneidError('WALLET_CORRUPTED', 'the holder key record is missing');
      holder = stored;
    }
    const state: WalletState = {
      vault,
      holderKey: await importKeyPair(holder),
      resolver: options.resolver ?? createOfflineDidResolver(),
      now: options.now ?? (() => new Date()),
      closed: false,
      queue: Promise.resolve(),
      ...(options.trustedIssuers ? { trustedIssuers: options.trustedIssuers } : {}),
      untrustedIssuers: options.untrustedIssuers ?? 'mark',
      relyingParties: new Map((options.relyingParties ?? []).map((rp) => [rp.id, structuredClone(rp)])),
      previews: new Map(),
    };
    return walletOf(state);
  } catch (error) {
    vault?.wipe();
    await db.close();
    throw error;
  }
}

function walletOf(state: WalletState): Wallet {
  const run = <T>(fn: () => Promise<T>) => serialized(state, fn);
  return {
    get holderDid() {
      return state.holderKey.controller;
    },
    add: (credential) => run(() => addCredential(state, credential)),
    list: (options) => run(() => listCredentials(state, options)),
    get: (id) => run(() => getCredential(state, id)),
    remove: (id) => run(() => removeCredential(state, id)),
    previewOffer: (offerUri) => run(() => previewCredentialOffer(state, offerUri)),
    acceptOffer: (preview, options) => run(() => acceptCredentialOffer(state, preview, options)),
    preview: (request) => run(() => preview(state, request)),
    present: (request, consent) => run(() => present(state, request, consent)),
    refuse: (previewId) => run(() => refuse(state, previewId)),
    consents: () => run(() => consents(state)),
    history: () => run(() => history(state)),
    refreshStatus: (fetchStatusList) => run(() => refreshStatus(state, fetchStatusList)),
    export: (backupPassphrase) => run(() => exportBackup(state, backupPassphrase)),
    importBackup: (blob, backupPassphrase) => run(() => importBackup(state, blob, backupPassphrase)),
    changePassphrase: (oldPassphrase, newPassphrase) =>
      run(() => changePassphrase(state, oldPassphrase, newPassphrase)),
    async close() {
      if (state.closed) return;
      await state.queue;
      state.closed = true;
      state.vault.wipe();
      await state.vault.db.close();
    },
  };
}
