/**
 * @vneid/wallet-core — the library the citizen's app embeds: an encrypted
 * credential store on LevelDB, offline verification of what it is given,
 * selective disclosure (ecdsa-sd-2023) answering QueryByExample requests,
 * a transaction log, encrypted backups and status refresh.
 *
 * @packageDocumentation
 */
export type { AddResult } from './add-credential.js';
export type { ConsentReceipt } from './consents.js';
export type { ImportResult } from './import-backup.js';
export type { CredentialStatus, HistoryCredential, HistoryEntry, IssuerTrust } from './lib/state.js';
export type { CredentialSummary } from './list-credentials.js';
export type { DisplayText, OfferPreview } from './oid4vci/receive-offer.js';
export type { VerifierAnswer } from './oid4vp/receive-request.js';
export type { Wallet, WalletOptions } from './open-wallet.js';
export { openWallet } from './open-wallet.js';
export type { PresentResult } from './present.js';
export type { Consent, ConsentPreview } from './preview.js';
export type { StatusListFetcher, StatusRefreshSummary } from './refresh-status.js';
