import { getCredentialType, type LocalizedText } from '@vneid/schemas';
import {
  type CredentialStatus,
  type IssuerTrust,
  isCurrent,
  type StoredSummary,
  type WalletState,
} from './lib/state.js';

/** A held credential as a wallet screen shows it: no claim values, labels in both languages. */
export interface CredentialSummary {
  id: string;
  type: string;
  issuer: string;
  /** Whether the wallet's trust list vouches for the issuer: show `untrusted` (and `unchecked`) as such. */
  issuerTrust: IssuerTrust;
  validFrom?: string;
  validUntil?: string;
  /** Outside its validity window at the wallet's clock. */
  expired: boolean;
  status: CredentialStatus;
  statusCheckedAt?: string;
  /** ecdsa-sd-2023: fields can be disclosed one by one; otherwise only the whole credential. */
  selectiveDisclosure: boolean;
  /** Subject field names the credential carries. */
  fields: string[];
  labels: { type: LocalizedText; fields: Record<string, LocalizedText> };
}

/**
 * The credentials in the wallet, newest first, read from their encrypted
 * index entries (the credentials themselves are not decrypted).
 *
 * @example
 * for (const c of await wallet.list({ type: 'DrivingLicence' })) console.log(c.labels.type.vi, c.status)
 * @throws {VneidError} WALLET_LOCKED when the wallet is closed, WALLET_CORRUPTED for a damaged record.
 */
export async function listCredentials(
  state: WalletState,
  options: { type?: string } = {},
): Promise<CredentialSummary[]> {
  if (options.type !== undefined && typeof options.type !== 'string') throw new TypeError('type must be a string');
  const summaries = (await state.vault.all<StoredSummary>('summary')).map((r) => r.value);
  const now = state.now();
  return summaries
    .filter((s) => options.type === undefined || s.type === options.type)
    .sort((a, b) => b.addedAt.localeCompare(a.addedAt) || a.id.localeCompare(b.id))
    .map((s) => toPublicSummary(s, now));
}

/** The public view of a stored index entry. */
export function toPublicSummary(s: StoredSummary, now: Date): CredentialSummary {
  const labels = s.type ? getCredentialType(s.type).labels : undefined;
  const fieldLabels: Record<string, LocalizedText> = {};
  for (const f of s.fields) {
    const label = labels?.fields[`/${f}`];
    if (label) fieldLabels[f] = { vi: label.vi, en: label.en };
  }
  return {
    id: s.id,
    type: s.type,
    issuer: s.issuer,
    issuerTrust: s.issuerTrust ?? 'unchecked',
    ...(s.validFrom !== undefined ? { validFrom: s.validFrom } : {}),
    ...(s.validUntil !== undefined ? { validUntil: s.validUntil } : {}),
    expired: !isCurrent(s, now),
    status: s.status,
    ...(s.statusCheckedAt !== undefined ? { statusCheckedAt: s.statusCheckedAt } : {}),
    selectiveDisclosure: s.cryptosuite === 'ecdsa-sd-2023',
    fields: [...s.fields],
    labels: {
      type: labels ? { vi: labels.type.vi, en: labels.type.en } : { vi: s.type, en: s.type },
      fields: fieldLabels,
    },
  };
}
