import { didKeyFromPublicKey, type ExportedKeyPair, importKeyPair, type KeyPair, VneidError } from '@vneid/core';
import { verifyForHolder } from './add-credential.js';
import { openBackup } from './lib/backup-format.js';
import { assertPassphrase } from './lib/passphrase.js';
import { HOLDER_RECORD, type StoredLogEntry, type StoredSummary, type WalletState } from './lib/state.js';
import type { BatchOp } from './lib/vault.js';

/** What {@link importBackup} restored. */
export interface ImportResult {
  holderDid: string;
  credentials: number;
  historyEntries: number;
}

/**
 * Restores a backup made by `export` into this wallet, which must be new and
 * empty (no credential, no log entry): the backup's holder key replaces the
 * one generated at first open, then credentials and log are written in one
 * atomic batch. Each credential is verified again exactly as `add` does
 * (a backup passphrase is all it takes to forge a blob, so its content is
 * not trusted further than the issuer's signatures).
 *
 * @example
 * const fresh = await openWallet({ path, passphrase }); await fresh.importBackup(blob, backupPassphrase)
 * @throws {VneidError} BACKUP_INVALID (wrong passphrase, altered blob, or content that does not
 *   verify: details.code then says why), WALLET_NOT_EMPTY, WALLET_LOCKED. {TypeError} for an empty passphrase.
 */
export async function importBackup(state: WalletState, blob: string, backupPassphrase: string): Promise<ImportResult> {
  assertPassphrase(backupPassphrase, 'backupPassphrase');
  const { vault } = state;
  if ((await vault.all('summary')).length > 0 || (await vault.all('log')).length > 0) {
    throw new VneidError('WALLET_NOT_EMPTY', 'a backup is restored only into a new, empty wallet');
  }
  const content = await openBackup(blob, backupPassphrase);
  const holderKey = await restoreHolderKey(content.holderKey);

  const ops: BatchOp[] = [vault.put('holder', HOLDER_RECORD, holderKey.export({ includeSecret: true }))];
  for (const [index, item] of content.credentials.entries()) {
    let checked: Awaited<ReturnType<typeof verifyForHolder>>;
    try {
      checked = await verifyForHolder(state, item?.credential, holderKey.controller);
    } catch (error) {
      throw new VneidError('BACKUP_INVALID', `backup credential ${index} does not verify`, {
        cause: error,
        details: { index, code: (error as VneidError).code },
      });
    }
    const previous = (item.summary ?? {}) as Partial<StoredSummary>;
    // The blob is trusted no further than the issuers' signatures: whoever
    // knows the backup passphrase can edit it. Status is restored only where
    // it makes the wallet stricter (revocation is final); everything else
    // starts unknown, with no list history, until the next refreshStatus().
    const summary: StoredSummary = {
      ...checked.shape,
      status: previous.status === 'revoked' ? 'revoked' : 'unknown',
      listsSeen: {},
      addedAt: typeof previous.addedAt === 'string' ? previous.addedAt : state.now().toISOString(),
      digest: checked.digest,
    };
    ops.push(vault.put('credential', summary.id, checked.credential), vault.put('summary', summary.id, summary));
  }
  for (const entry of content.log) {
    if (!isLogEntry(entry)) throw new VneidError('BACKUP_INVALID', 'a backup log entry is malformed');
    ops.push(vault.put('log', entry.id, entry));
  }
  await vault.write(ops);
  state.holderKey = holderKey;
  state.nextSeq = undefined;
  return {
    holderDid: holderKey.controller,
    credentials: content.credentials.length,
    historyEntries: content.log.length,
  };
}

async function restoreHolderKey(exported: ExportedKeyPair): Promise<KeyPair> {
  const bad = () => new VneidError('BACKUP_INVALID', 'the backup holder key is not a did:key key pair with its secret');
  if (!exported || typeof exported.secretKeyMultibase !== 'string' || typeof exported.publicKeyMultibase !== 'string') {
    throw bad();
  }
  const did = didKeyFromPublicKey(exported.publicKeyMultibase);
  if (exported.controller !== did || exported.id !== `${did}#${exported.publicKeyMultibase}`) throw bad();
  try {
    return await importKeyPair(exported);
  } catch (cause) {
    throw new VneidError('BACKUP_INVALID', 'the backup holder key does not decode', { cause });
  }
}

function isLogEntry(value: unknown): value is StoredLogEntry {
  const e = value as Partial<StoredLogEntry> | null;
  return (
    !!e &&
    typeof e.id === 'string' &&
    typeof e.at === 'string' &&
    typeof e.domain === 'string' &&
    Number.isSafeInteger(e.seq) &&
    Array.isArray(e.reasons) &&
    Array.isArray(e.credentials) &&
    e.credentials.every((c) => !!c && typeof c.id === 'string' && typeof c.type === 'string' && Array.isArray(c.fields))
  );
}
