import { createHash, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { canonicalJson, VneidError } from '@vneid/core';
import { Level } from 'level';
import { GENESIS_HASH } from '../audit-chain.js';
import type { AuditHead } from '../contract.js';
import type { IssuerDb } from './db.js';

/**
 * The backup file (one JSON value per line, UTF-8):
 *
 * 1. header: `{"format":"vneid-issuer-backup/2","engine":"leveldb","createdAt":"<ISO time of the snapshot>","macSalt":"<base64, 16 bytes>"}`
 * 2. one line per LevelDB entry of the issuer database, in key order, from
 *    one snapshot: `{"k":"<base64 key>","v":"<base64 value>"}` (every
 *    sublevel: ministries, encrypted key store, records, status bits and
 *    allocations, signed lists, audit log, idempotency keys, API keys);
 * 3. one line per side file of the data folder: `{"file":"api-keys.json","data":"<base64>"}`;
 * 4. trailer: `{"end":true,"entries":n,"files":m,"records":r,"auditHead":{"seq":…,"hash":…},"sha256":"<hex>","hmac":"<hex>"}`:
 *    the counts, the audit head inside the snapshot, the SHA-256 of every
 *    byte before the trailer line, and an HMAC-SHA-256 over all of these
 *    (canonical JSON of the trailer without `end` and `hmac`).
 *
 * The SHA-256 alone catches damage, not an attacker: anyone who can write
 * the backup can add an API key or flip a status bit and recompute it. The
 * HMAC key comes from the store passphrase (scrypt with the header's salt,
 * then HKDF with a label of its own), so only the issuer's operator can
 * make a backup that restores. A file without its trailer, or whose digest
 * or counts disagree, is refused as BACKUP_CORRUPT; one whose HMAC does not
 * verify (altered, or another passphrase) as BACKUP_NOT_AUTHENTIC; a
 * `vneid-issuer-backup/1` file (no HMAC) as BACKUP_UNSUPPORTED unless the
 * caller explicitly allows unauthenticated backups.
 */
export const BACKUP_FORMAT = 'vneid-issuer-backup/2';
/** The previous format, without an HMAC: restored only when explicitly allowed. */
export const UNAUTHENTICATED_BACKUP_FORMAT = 'vneid-issuer-backup/1';

/** Files of the data folder kept beside the database (the service reads its API key hashes from the first). */
export const SIDE_FILES = ['api-keys.json', 'dev-bootstrap.json'] as const;

const RECORDS_PREFIX = '!records!';
const AUDIT_HEAD_KEY = '!meta!audit-head';
// The key store's scrypt cost (OWASP's interactive floor): guessing the passphrase from a backup costs as much as from the store.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const MAC_LABEL = 'vneid-issuer-backup/2 hmac-sha256';
const scryptAsync = promisify(scrypt) as (p: string, s: Buffer, n: number, o: object) => Promise<Buffer>;

/** The first line of a backup. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT | typeof UNAUTHENTICATED_BACKUP_FORMAT;
  engine: 'leveldb';
  /** When the snapshot was taken. */
  createdAt: string;
  /** Salt (base64) of the HMAC key's derivation from the passphrase; absent in `/1` backups. */
  macSalt?: string;
}

/** The last line of a backup: what it holds, the digest of everything before, and its HMAC. */
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
  /** HMAC-SHA-256 (hex) of the other trailer fields under the passphrase's backup key; absent in `/1` backups. */
  hmac?: string;
}

/**
 * Whether the backup's HMAC was checked: `verified` (with the passphrase),
 * `not-checked` (read without the passphrase: the content may be forged),
 * `unauthenticated` (a `/1` backup, which has no HMAC).
 */
export type BackupAuthenticity = 'verified' | 'not-checked' | 'unauthenticated';

/** What a backup holds. */
export type BackupInfo = BackupHeader & Omit<BackupTrailer, 'end'> & { authenticity: BackupAuthenticity };

/** A written backup. */
export interface BackupSummary extends BackupInfo {
  file: string;
  bytes: number;
}

/** How a backup is authenticated when read. */
export interface BackupAuthOptions {
  /** The store passphrase: the HMAC is checked with it. Without it the backup is only read (inspect). */
  passphrase?: string;
  /** Accept a `vneid-issuer-backup/1` file, which has no HMAC: for backups made before `/2` only. */
  allowUnauthenticated?: boolean;
}

/** The HMAC key of a backup: scrypt of the passphrase with the header's salt, then HKDF with the backup label. */
async function backupMacKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  const stretched = await scryptAsync(passphrase.normalize('NFC'), salt, 32, SCRYPT);
  return Buffer.from(hkdfSync('sha256', stretched, salt, MAC_LABEL, 32));
}

function trailerMac(key: Buffer, trailer: Omit<BackupTrailer, 'end' | 'hmac'>): string {
  const { entries, files, records, auditHead, sha256 } = trailer;
  return createHmac('sha256', key).update(canonicalJson({ entries, files, records, auditHead, sha256 })).digest('hex');
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
 * looks complete. The trailer's HMAC is keyed by `passphrase` (the
 * store's), with a fresh salt in the header.
 */
export async function writeLevelDbBackup(
  db: IssuerDb,
  options: { file: string; dataDir: string; now: () => Date; passphrase: string },
): Promise<BackupSummary> {
  if (typeof options.passphrase !== 'string' || options.passphrase.length === 0) {
    throw new TypeError('passphrase is required');
  }
  // Created synchronously: the snapshot is the database at this instant.
  const iterator = db.root.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' } as never) as AsyncIterable<
    [Buffer, Buffer]
  > & { close(): Promise<void> };
  const salt = randomBytes(16);
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    engine: 'leveldb',
    createdAt: options.now().toISOString(),
    macSalt: salt.toString('base64'),
  };
  const partial = `${options.file}.partial`;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const macKey = await backupMacKey(options.passphrase, salt);
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
    const content = { entries, files, records, auditHead, sha256 };
    const trailer: BackupTrailer = { end: true, ...content, hmac: trailerMac(macKey, content) };
    const last = Buffer.from(`${JSON.stringify(trailer)}\n`, 'utf8');
    await out.write(last);
    await out.sync();
    await out.close();
    handle = undefined;
    await rename(partial, options.file);
    const { end: _end, ...info } = trailer;
    return { ...header, ...info, authenticity: 'verified', file: options.file, bytes: bytes + last.length };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await iterator.close();
  }
}

type BackupLine = { k: string; v: string } | { file: string; data: string };

/** What {@link readBackup} takes besides the file. */
export interface ReadBackupOptions extends BackupAuthOptions {
  /** Called for each entry and side file in order (before the trailer is checked: callers undo on a throw). */
  onLine?: (line: BackupLine) => Promise<void>;
  /** Keeps the derived HMAC key between two reads of one file (restore reads it twice; scrypt is slow on purpose). */
  keyCache?: Map<string, Buffer>;
}

function notAuthentic(message: string): VneidError {
  return new VneidError('BACKUP_NOT_AUTHENTIC', message);
}

/**
 * Reads a backup end to end, checking its header, every line's form, the
 * counts and the digest, and, when `passphrase` is given, its HMAC (a `/1`
 * backup, which has none, is then refused unless `allowUnauthenticated`).
 * Without `passphrase` the HMAC is not checked and the result says so
 * (`authenticity: 'not-checked'`). Returns the header and trailer.
 *
 * @throws {VneidError} BACKUP_CORRUPT (details.line) for anything else than an intact backup;
 *   BACKUP_NOT_AUTHENTIC when the HMAC does not verify with `passphrase`;
 *   BACKUP_UNSUPPORTED for a `/1` backup checked with a passphrase and not explicitly allowed.
 */
export async function readBackup(file: string, options: ReadBackupOptions = {}): Promise<BackupInfo> {
  const { onLine, passphrase } = options;
  const verify = passphrase !== undefined;
  if (verify && (typeof passphrase !== 'string' || passphrase.length === 0)) {
    throw new TypeError('passphrase must be a non-empty string');
  }
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
      const known = value.format === BACKUP_FORMAT || value.format === UNAUTHENTICATED_BACKUP_FORMAT;
      if (!known || value.engine !== 'leveldb' || typeof value.createdAt !== 'string') {
        throw corrupt(`not a ${BACKUP_FORMAT} backup of a LevelDB store`, { line: 1 });
      }
      if (
        value.format === BACKUP_FORMAT &&
        (typeof value.macSalt !== 'string' || Buffer.from(value.macSalt, 'base64').length !== 16)
      ) {
        throw corrupt('the header has no valid macSalt', { line: 1 });
      }
      // Refused before any line is handed on: a /1 file has no HMAC, so anyone could have written it.
      if (value.format === UNAUTHENTICATED_BACKUP_FORMAT && verify && options.allowUnauthenticated !== true) {
        throw new VneidError(
          'BACKUP_UNSUPPORTED',
          `a ${UNAUTHENTICATED_BACKUP_FORMAT} backup is not authenticated (no HMAC): anyone with write access to the backups could have altered it. Restore it only if you know it is an old backup of yours, with allowUnauthenticated (CLI: --allow-unauthenticated)`,
          { details: { format: value.format } },
        );
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
  let authenticity: BackupAuthenticity = 'unauthenticated';
  if (header.format === BACKUP_FORMAT) {
    authenticity = 'not-checked';
    if (verify) {
      const salt = header.macSalt as string;
      let key = options.keyCache?.get(salt);
      if (!key) {
        key = await backupMacKey(passphrase, Buffer.from(salt, 'base64'));
        options.keyCache?.set(salt, key);
      }
      const expected = Buffer.from(trailerMac(key, trailer), 'hex');
      const given = Buffer.from(typeof trailer.hmac === 'string' ? trailer.hmac : '', 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw notAuthentic(
          'the backup is not authentic: its HMAC does not verify with this passphrase (it was altered, or made by a store with another passphrase)',
        );
      }
      authenticity = 'verified';
    }
  }
  const { end: _end, ...info } = trailer;
  return { ...header, ...info, authenticity };
}

/**
 * Restores a backup into an empty (or missing) folder: the whole file is
 * checked first, HMAC included (nothing is written from a corrupt or forged
 * backup), then the
 * entries are written into a new LevelDB there and the side files beside
 * it, and the file is read and checked again while writing (so a file
 * changed in between is caught and the half-restored folder removed).
 *
 * @throws {VneidError} BACKUP_TARGET_NOT_EMPTY, BACKUP_CORRUPT, BACKUP_NOT_AUTHENTIC, BACKUP_UNSUPPORTED.
 */
export async function restoreLevelDbBackup(
  options: { file: string; dataDir: string; passphrase: string } & Pick<BackupAuthOptions, 'allowUnauthenticated'>,
): Promise<BackupInfo> {
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
  const auth: ReadBackupOptions = {
    passphrase: options.passphrase,
    keyCache: new Map(),
    ...(options.allowUnauthenticated === true ? { allowUnauthenticated: true } : {}),
  };
  await readBackup(options.file, auth);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const db = new Level<Buffer, Buffer>(join(options.dataDir, 'issuer.db'), {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
  });
  try {
    await db.open();
    let batch = db.batch();
    const header = await readBackup(options.file, {
      ...auth,
      onLine: async (line) => {
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
      },
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
