import { type ExportedKeyPair, type JsonObject, VneidError } from '@vneid/core';
import { sealBackup } from './lib/backup-format.js';
import { assertPassphrase } from './lib/passphrase.js';
import { HOLDER_RECORD, type StoredLogEntry, type StoredSummary, type WalletState } from './lib/state.js';

/**
 * Exports everything the wallet holds — credentials with their status, the
 * transaction log and the holder's secret key — as one base64 text,
 * encrypted with AES-256-GCM under a key derived with scrypt from
 * `backupPassphrase` (independent of the wallet passphrase).
 *
 * @example
 * const blob = await wallet.export('một cụm mật khẩu sao lưu dài') // save it anywhere; restore with importBackup
 * @throws {TypeError} for an empty passphrase. {VneidError} WALLET_LOCKED when closed, WALLET_CORRUPTED.
 */
export async function exportBackup(state: WalletState, backupPassphrase: string): Promise<string> {
  assertPassphrase(backupPassphrase, 'backupPassphrase');
  const { vault } = state;
  const holderKey = await vault.get<ExportedKeyPair>('holder', HOLDER_RECORD);
  if (!holderKey) throw new VneidError('WALLET_CORRUPTED', 'the holder key record is missing');
  const credentials = [];
  for (const { name, value: summary } of await vault.all<StoredSummary>('summary')) {
    const credential = await vault.get<JsonObject>('credential', name);
    if (!credential) throw new VneidError('WALLET_CORRUPTED', 'a listed credential has no stored body');
    credentials.push({ credential, summary });
  }
  const log = (await vault.all<StoredLogEntry>('log')).map((r) => r.value);
  return sealBackup({ holderKey, credentials, log, exportedAt: state.now().toISOString() }, backupPassphrase);
}
