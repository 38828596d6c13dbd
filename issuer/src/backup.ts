import { VneidError } from '@vneid/core';
import type { IssuerStorage } from './storage/contract.js';
import {
  type BackupAuthenticity,
  type BackupInfo,
  type BackupSummary,
  readBackup,
  restoreLevelDbBackup,
  writeLevelDbBackup,
} from './storage/leveldb/backup-file.js';
import type { LevelDbStorage } from './storage/leveldb/leveldb-storage.js';

export type { BackupAuthenticity, BackupInfo, BackupSummary };

/**
 * Writes a consistent backup of the issuer's store to `file` while it keeps
 * issuing (online): LevelDB reads every sublevel — ministries, the
 * encrypted key store, records, status bits, signed lists, the audit log,
 * idempotency keys, API keys — from one snapshot, plus the data folder's
 * `api-keys.json`. The format is documented in docs/deployment.md; the
 * file ends with a SHA-256 over its content and an HMAC-SHA-256 keyed by
 * `passphrase` (the store's), so only the operator can make a backup that
 * restores. It holds what the folder
 * holds (sealed keys, credentials kept for idempotency): protect it like
 * the folder. PostgreSQL is backed up with its own tools (pg_dump /
 * pg_basebackup, see docs/deployment.md).
 *
 * @example
 * const { auditHead, records } = await issuer.backup({ file: '/backups/issuer-20261205T120000Z.vnbak' });
 * @throws {VneidError} BACKUP_UNSUPPORTED on PostgreSQL.
 */
export async function backupStorage(
  storage: IssuerStorage,
  options: { file: string; dataDir: string | undefined; now: () => Date; passphrase: string },
): Promise<BackupSummary> {
  if (!options || typeof options.file !== 'string' || options.file.length === 0) {
    throw new TypeError('file is required');
  }
  if (storage.engine !== 'leveldb' || options.dataDir === undefined) {
    throw new VneidError(
      'BACKUP_UNSUPPORTED',
      'back up a PostgreSQL issuer with pg_dump or pg_basebackup (docs/deployment.md)',
      { details: { engine: storage.engine } },
    );
  }
  return writeLevelDbBackup((storage as LevelDbStorage).db, {
    file: options.file,
    dataDir: options.dataDir,
    now: options.now,
    passphrase: options.passphrase,
  });
}

/** What {@link restoreBackup} takes. */
export interface RestoreBackupOptions {
  /** The backup file. */
  file: string;
  /** An empty or missing folder. */
  dataDir: string;
  /** The passphrase of the store the backup came from: checks the backup's HMAC (and later opens the restored store). */
  passphrase: string;
  /**
   * Restore a `vneid-issuer-backup/1` file, which has no HMAC (anyone with
   * write access to the backups could have altered it). For backups made
   * before `/2` only; a `/2` backup's HMAC is checked whatever this says.
   */
  allowUnauthenticated?: boolean;
}

/**
 * Restores a backup made by `issuer.backup()` into an empty folder, which
 * then opens with `createIssuer({ dataDir, passphrase })` (the key store is
 * sealed with the passphrase of the store the backup came from). The whole
 * file, its HMAC included, is checked before anything is written: a backup
 * forged or altered by someone without the passphrase never restores.
 *
 * @example
 * const info = await restoreBackup({ file: 'issuer.vnbak', dataDir: '/srv/issuer-restored', passphrase });
 * @throws {VneidError} BACKUP_TARGET_NOT_EMPTY when the folder holds anything;
 *   BACKUP_CORRUPT for a file that is cut short, damaged, or not a backup;
 *   BACKUP_NOT_AUTHENTIC when its HMAC does not verify with `passphrase` (altered and re-digested, or another store's);
 *   BACKUP_UNSUPPORTED for an unauthenticated `/1` backup without `allowUnauthenticated`.
 * @throws {TypeError} without file, dataDir or passphrase.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<BackupInfo> {
  if (!options || typeof options.file !== 'string' || typeof options.dataDir !== 'string' || !options.dataDir) {
    throw new TypeError('file and dataDir are required');
  }
  if (typeof options.passphrase !== 'string' || options.passphrase.length === 0) {
    throw new TypeError('passphrase is required: it authenticates the backup');
  }
  return restoreLevelDbBackup({
    file: options.file,
    dataDir: options.dataDir,
    passphrase: options.passphrase,
    ...(options.allowUnauthenticated === true ? { allowUnauthenticated: true } : {}),
  });
}

/**
 * Checks a backup end to end (form, counts, digest) without restoring it.
 * With `passphrase` its HMAC is checked too (as a restore would, `/1`
 * refused unless `allowUnauthenticated`); without it the result's
 * `authenticity` is `'not-checked'` (or `'unauthenticated'` for `/1`): the
 * content may then be forged.
 *
 * @example
 * const info = await inspectBackup('issuer.vnbak', { passphrase }); // info.authenticity === 'verified'
 * @throws {VneidError} BACKUP_CORRUPT; with a passphrase also BACKUP_NOT_AUTHENTIC, BACKUP_UNSUPPORTED.
 */
export async function inspectBackup(
  file: string,
  options: { passphrase?: string; allowUnauthenticated?: boolean } = {},
): Promise<BackupInfo> {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('file is required');
  return readBackup(file, {
    ...(options.passphrase !== undefined ? { passphrase: options.passphrase } : {}),
    ...(options.allowUnauthenticated === true ? { allowUnauthenticated: true } : {}),
  });
}
