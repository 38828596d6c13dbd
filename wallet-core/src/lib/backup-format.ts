import { canonicalJson, type ExportedKeyPair, type JsonObject, VneidError } from '@vneid/core';
import { deriveKeys, isAcceptableScrypt, newScryptParams, open, type ScryptParams, seal, wipeKeys } from './crypto.js';
import type { StoredLogEntry, StoredSummary } from './state.js';

/** Everything a wallet holds, as it travels inside a backup. */
export interface BackupContent {
  holderKey: ExportedKeyPair;
  credentials: Array<{ credential: JsonObject; summary: StoredSummary }>;
  log: StoredLogEntry[];
  exportedAt: string;
}

interface Envelope {
  format: 'vneid-wallet-backup';
  version: 1;
  kdf: { name: 'scrypt' } & ScryptParams;
  nonce: string;
  ciphertext: string;
}

const KDF_PURPOSE = 'vneid-wallet-backup/v1';
/** A backup holds at most a few hundred credentials of ≤ 256 KiB each. */
export const MAX_BACKUP_CHARS = 64 * 1024 * 1024;

/**
 * Seals `content` under a key derived from the backup passphrase (its own
 * salt, independent of the wallet's passphrase) into base64 text that can be
 * saved anywhere. The envelope's plaintext header is authenticated as AAD.
 */
export async function sealBackup(content: BackupContent, passphrase: string): Promise<string> {
  const params = newScryptParams();
  const keys = await deriveKeys(passphrase, params, KDF_PURPOSE);
  const head = { format: 'vneid-wallet-backup', version: 1, kdf: { name: 'scrypt', ...params } } as const;
  try {
    const sealed = seal(keys.enc, Buffer.from(JSON.stringify(content), 'utf8'), canonicalJson(head));
    const envelope: Envelope = { ...head, nonce: sealed.n, ciphertext: sealed.c };
    return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
  } finally {
    wipeKeys(keys);
  }
}

/**
 * Opens a backup blob. Every failure — not base64, not our envelope, scrypt
 * parameters out of bounds, wrong passphrase, any changed byte — is the same
 * BACKUP_INVALID, so the blob is no oracle for what was wrong.
 *
 * @throws {VneidError} BACKUP_INVALID
 */
export async function openBackup(blob: unknown, passphrase: string): Promise<BackupContent> {
  const invalid = (cause?: unknown) =>
    new VneidError('BACKUP_INVALID', 'the backup cannot be opened with this passphrase or was altered', { cause });
  if (typeof blob !== 'string' || blob.length > MAX_BACKUP_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) {
    throw invalid();
  }
  let envelope: Partial<Envelope>;
  try {
    envelope = JSON.parse(Buffer.from(blob, 'base64').toString('utf8')) as Partial<Envelope>;
  } catch (cause) {
    throw invalid(cause);
  }
  if (
    envelope?.format !== 'vneid-wallet-backup' ||
    envelope.version !== 1 ||
    envelope.kdf?.name !== 'scrypt' ||
    !isAcceptableScrypt(envelope.kdf) ||
    typeof envelope.nonce !== 'string' ||
    typeof envelope.ciphertext !== 'string'
  ) {
    throw invalid();
  }
  const { salt, N, r, p } = envelope.kdf;
  const head = { format: envelope.format, version: envelope.version, kdf: { name: 'scrypt', salt, N, r, p } };
  const keys = await deriveKeys(passphrase, { salt, N, r, p }, KDF_PURPOSE);
  let plain: Buffer | undefined;
  try {
    plain = open(keys.enc, { n: envelope.nonce, c: envelope.ciphertext }, canonicalJson(head));
  } finally {
    wipeKeys(keys);
  }
  if (!plain) throw invalid();
  let content: Partial<BackupContent>;
  try {
    content = JSON.parse(plain.toString('utf8')) as Partial<BackupContent>;
  } catch (cause) {
    throw invalid(cause);
  }
  if (
    !content ||
    typeof content.holderKey !== 'object' ||
    !Array.isArray(content.credentials) ||
    !Array.isArray(content.log)
  ) {
    throw invalid();
  }
  return content as BackupContent;
}
