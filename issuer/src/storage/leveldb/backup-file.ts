import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VneidError } from '@vneid/core';
import { Level } from 'level';
import { GENESIS_HASH } from '../audit-chain.js';
import type { AuditHead } from '../contract.js';
import type { IssuerDb } from './db.js';

/**
 * The backup file (one JSON value per line, UTF-8):
 *
 * 1. header: `{"format":"vneid-issuer-backup/1","engine":"leveldb","createdAt":"<ISO time of the snapshot>"}`
 * 2. one line per LevelDB entry of the issuer database, in key order, from
 *    one snapshot: `{"k":"<base64 key>","v":"<base64 value>"}` (every
 *    sublevel: ministries, encrypted key store, records, status bits and
 *    allocations, signed lists, audit log, idempotency keys, API keys);
 * 3. one line per side file of the data folder: `{"file":"api-keys.json","data":"<base64>"}`;
 * 4. trailer: `{"end":true,"entries":n,"files":m,"records":r,"auditHead":{"seq":…,"hash":…},"sha256":"<hex>"}`:
 *    the counts, the audit head inside the snapshot, and the SHA-256 of
 *    every byte before the trailer line.
 *
 * A file without its trailer, or whose digest or counts disagree, is
 * refused as BACKUP_CORRUPT: a backup cut by a crash or edited afterwards
 * never restores.
 */
export const BACKUP_FORMAT = 'vneid-issuer-backup/1';

/** Files of the data folder kept beside the database (the service reads its API key hashes from the first). */
export const SIDE_FILES = ['api-keys.json', 'dev-bootstrap.json'] as const;

const RECORDS_PREFIX = '!records!';
const AUDIT_HEAD_KEY = '!meta!audit-head';

/** The first line of a backup. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  engine: 'leveldb';
  /** When the snapshot was taken. */
  createdAt: string;
}

/** The last line of a backup: what it holds, and the digest of everything before. */
export interface BackupTrailer {
  end: true;
  /** LevelDB entries. */
  entries: number;
  /** Side files. */
  files: number;
  /** Issuance records in the snapshot. */
  records: number;
  /** The audit head inside the snapshot: the backup holds entries 1…seq. */
  auditHead: AuditHead;
  /** SHA-256 (hex) of every byte before the trailer line. */
  sha256: string;
}

/** What a backup holds. */
export type BackupInfo = BackupHeader & Omit<BackupTrailer, 'end'>;

/** A written backup. */
export interface BackupSummary extends BackupInfo {
  file: string;
  bytes: number;
}

function corrupt(message: string, details: Record<string, unknown> = {}): VneidError {
  return new VneidError('BACKUP_CORRUPT', message, { details });
}

/**
 * Writes a backup of an open issuer database to `file` while it keeps
 * serving: one LevelDB iterator over the root reads every sublevel from a
 * single snapshot taken when it is created (classic-level's snapshot
 * guarantee), and every issuance commits its record, indexes, idempotency
 * key, audit entry and head in one batch, so the snapshot holds whole
 * issuances and a chain that ends at its own head. Writes go to
 * `<file>.partial`, synced, then renamed: a crash never leaves a file that
 * looks complete.
 */
export async function writeLevelDbBackup(
  db: IssuerDb,
  options: { file: string; dataDir: string; now: () => Date },
): Promise<BackupSummary> {
  // Created synchronously: the snapshot is the database at this instant.
  const iterator = db.root.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' } as never) as AsyncIterable<
    [Buffer, Buffer]
  > & { close(): Promise<void> };
  const header: BackupHeader = { format: BACKUP_FORMAT, engine: 'leveldb', createdAt: options.now().toISOString() };
  const partial = `${options.file}.partial`;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(partial, 'w', 0o600);
    const out = handle;
    const hash = createHash('sha256');
    let bytes = 0;
    let pending: string[] = [];
    const flush = async () => {
      const chunk = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      hash.update(chunk);
      bytes += chunk.length;
      await out.write(chunk);
    };
    const emit = async (value: unknown) => {
      pending.push(`${JSON.stringify(value)}\n`);
      if (pending.length >= 1024) await flush();
    };
    await emit(header);
    let records = 0;
    let entries = 0;
    let auditHead: AuditHead = { seq: 0, hash: GENESIS_HASH };
    for await (const [key, value] of iterator) {
      const k = key.toString('latin1');
      if (k.startsWith(RECORDS_PREFIX)) records += 1;
      if (k === AUDIT_HEAD_KEY) auditHead = JSON.parse(value.toString('utf8')) as AuditHead;
      await emit({ k: key.toString('base64'), v: value.toString('base64') });
      entries += 1;
    }
    let files = 0;
    for (const name of SIDE_FILES) {
      let data: Buffer;
      try {
        data = await readFile(join(options.dataDir, name));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw cause;
      }
      await emit({ file: name, data: data.toString('base64') });
      files += 1;
    }
    await flush();
    const sha256 = hash.digest('hex');
    const trailer: BackupTrailer = { end: true, entries, files, records, auditHead, sha256 };
    const last = Buffer.from(`${JSON.stringify(trailer)}\n`, 'utf8');
    await out.write(last);
    await out.sync();
    await out.close();
    handle = undefined;
    await rename(partial, options.file);
    const { end: _end, ...info } = trailer;
    return { ...header, ...info, file: options.file, bytes: bytes + last.length };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await iterator.close();
  }
}

type BackupLine = { k: string; v: string } | { file: string; data: string };

/**
 * Reads a backup end to end, checking its header, every line's form, the
 * counts and the digest; calls `onLine` for each entry and side file in
 * order only when `onLine` is given. Returns the header.
 *
 * @throws {VneidError} BACKUP_CORRUPT (details.line) for anything else than an intact backup.
 */
export async function readBackup(file: string, onLine?: (line: BackupLine) => Promise<void>): Promise<BackupInfo> {
  const hash = createHash('sha256');
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let entries = 0;
  let files = 0;
  let n = 0;
  let stream: ReturnType<typeof createReadStream>;
  try {
    stream = createReadStream(file);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (cause) {
    throw new VneidError('BACKUP_CORRUPT', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  for await (const text of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    n += 1;
    if (trailer) throw corrupt('data after the trailer', { line: n });
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw corrupt('a line is not JSON', { line: n });
    }
    if (n === 1) {
      if (value.format !== BACKUP_FORMAT || value.engine !== 'leveldb' || typeof value.createdAt !== 'string') {
        throw corrupt(`not a ${BACKUP_FORMAT} backup of a LevelDB store`, { line: 1 });
      }
      header = value as unknown as BackupHeader;
    } else if (value.end === true) {
      trailer = value as unknown as BackupTrailer;
      continue;
    } else if (typeof value.k === 'string' && typeof value.v === 'string' && files === 0) {
      entries += 1;
      await onLine?.({ k: value.k, v: value.v });
    } else if (
      typeof value.file === 'string' &&
      (SIDE_FILES as readonly string[]).includes(value.file) &&
      typeof value.data === 'string'
    ) {
      files += 1;
      await onLine?.({ file: value.file, data: value.data });
    } else {
      throw corrupt('a line is neither an entry nor a side file', { line: n });
    }
    hash.update(`${text}\n`, 'utf8');
  }
  if (!header) throw corrupt('the backup is empty', { line: 0 });
  if (!trailer) throw corrupt('the backup has no trailer: it was cut short', { line: n });
  const sha256 = hash.digest('hex');
  if (trailer.sha256 !== sha256 || trailer.entries !== entries || trailer.files !== files) {
    throw corrupt('the backup does not match its digest: it was altered or damaged', { line: n });
  }
  const { end: _end, ...info } = trailer;
  return { ...header, ...info };
}

/**
 * Restores a backup into an empty (or missing) folder: the whole file is
 * checked first (nothing is written from a corrupt backup), then the
 * entries are written into a new LevelDB there and the side files beside
 * it, and the file is read and checked again while writing (so a file
 * changed in between is caught and the half-restored folder removed).
 *
 * @throws {VneidError} BACKUP_TARGET_NOT_EMPTY, BACKUP_CORRUPT.
 */
export async function restoreLevelDbBackup(options: { file: string; dataDir: string }): Promise<BackupInfo> {
  let existing: string[] = [];
  try {
    existing = await readdir(options.dataDir);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
  }
  if (existing.length > 0) {
    throw new VneidError('BACKUP_TARGET_NOT_EMPTY', `${options.dataDir} is not empty: restore into an empty folder`, {
      details: { field: 'dataDir' },
    });
  }
  await readBackup(options.file);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const db = new Level<Buffer, Buffer>(join(options.dataDir, 'issuer.db'), {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
  });
  try {
    await db.open();
    let batch = db.batch();
    const header = await readBackup(options.file, async (line) => {
      if ('k' in line) {
        batch.put(Buffer.from(line.k, 'base64'), Buffer.from(line.v, 'base64'));
        if (batch.length >= 1000) {
          await batch.write();
          batch = db.batch();
        }
      } else {
        const handle = await open(join(options.dataDir, line.file), 'wx', 0o600);
        await handle.writeFile(Buffer.from(line.data, 'base64'));
        await handle.close();
      }
    });
    await batch.write({ sync: true } as never);
    await db.close();
    return header;
  } catch (error) {
    await db.close().catch(() => undefined);
    // Nothing half-restored stays behind: the folder was empty before.
    for (const name of await readdir(options.dataDir).catch(() => [] as string[])) {
      await rm(join(options.dataDir, name), { recursive: true, force: true });
    }
    throw error;
  }
}

/** `issuer-<UTC time>.vnbak`: names that sort by time (what {@link latestBackup} relies on). */
export function backupFileName(at: Date): string {
  return `issuer-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.vnbak`;
}

/** The newest backup (`*.vnbak`, named by time) in a folder. */
export async function latestBackup(dir: string): Promise<string | undefined> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.vnbak')).sort();
  const last = names.at(-1);
  return last ? join(dir, last) : undefined;
}
