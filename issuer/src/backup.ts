import { VneidError } from '@vneid/core';
import type { IssuerStorage } from './storage/contract.js';
import {
  type BackupInfo,
  type BackupSummary,
  readBackup,
  restoreLevelDbBackup,
  writeLevelDbBackup,
} from './storage/leveldb/backup-file.js';
import type { LevelDbStorage } from './storage/leveldb/leveldb-storage.js';

export type { BackupInfo, BackupSummary };

/**
 * Writes a consistent backup of the issuer's store to `file` while it keeps
 * issuing (online): LevelDB reads every sublevel — ministries, the
 * encrypted key store, records, status bits, signed lists, the audit log,
 * idempotency keys, API keys — from one snapshot, plus the data folder's
 * `api-keys.json`. The format is documented in docs/deployment.md; the
 * file ends with a SHA-256 over its content. It holds what the folder
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
  options: { file: string; dataDir: string | undefined; now: () => Date },
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
  });
}

/**
 * Restores a backup made by `issuer.backup()` into an empty folder, which
 * then opens with `createIssuer({ dataDir, passphrase })` (the key store is
 * sealed with the passphrase of the store the backup came from). The whole
 * file is checked before anything is written.
 *
 * @example
 * const info = await restoreBackup({ file: 'issuer.vnbak', dataDir: '/srv/issuer-restored' });
 * @throws {VneidError} BACKUP_TARGET_NOT_EMPTY when the folder holds anything;
 *   BACKUP_CORRUPT for a file that is cut short, altered, or not a backup.
 */
export async function restoreBackup(options: { file: string; dataDir: string }): Promise<BackupInfo> {
  if (!options || typeof options.file !== 'string' || typeof options.dataDir !== 'string' || !options.dataDir) {
    throw new TypeError('file and dataDir are required');
  }
  return restoreLevelDbBackup(options);
}

/**
 * Checks a backup end to end (form, counts, digest) without restoring it.
 *
 * @throws {VneidError} BACKUP_CORRUPT.
 */
export async function inspectBackup(file: string): Promise<BackupInfo> {
  if (typeof file !== 'string' || file.length === 0) throw new TypeError('file is required');
  return readBackup(file);
}
