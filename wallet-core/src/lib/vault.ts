import { VneidError } from '@vneid/core';
import type { Level } from 'level';
import {
  deriveKeys,
  hmacHex,
  isAcceptableScrypt,
  newScryptParams,
  open,
  type RecordKeys,
  type ScryptParams,
  seal,
  wipeKeys,
} from './crypto.js';

/**
 * Record families. The prefix is the only plaintext part of a LevelDB key: it
 * reveals how many credentials and log entries a wallet holds (the file sizes
 * would anyway), never which ones.
 */
export type Namespace = 'holder' | 'credential' | 'summary' | 'log' | 'consent';

const PREFIX: Record<Namespace, string> = { holder: 'k', credential: 'c', summary: 's', log: 'l', consent: 'r' };
const NAMESPACES = Object.keys(PREFIX) as Namespace[];

/** The one plaintext record: what is needed to derive the keys, nothing personal. */
export const HEADER_KEY = 'header';
const CHECK_KEY = 'check';
const CHECK_TEXT = 'vneid-wallet key check v1';
const KDF_PURPOSE = 'vneid-wallet/v1';

export interface Header {
  format: 'vneid-wallet';
  version: 1;
  kdf: { name: 'scrypt' } & ScryptParams;
}

type Db = Level<string, unknown>;
export type BatchOp = { type: 'put'; key: string; value: unknown } | { type: 'del'; key: string };

/**
 * Encrypted records over LevelDB. Every value is AES-256-GCM under a key
 * derived from the passphrase, with a fresh nonce and the LevelDB key as
 * associated data; every key is an HMAC of the record's logical name, which
 * itself travels only inside the ciphertext (so a passphrase change can
 * recompute it).
 */
export class Vault {
  private constructor(
    readonly db: Db,
    private keys: RecordKeys,
  ) {}

  /** True when the database holds no record at all (a wallet never created). */
  static async isEmpty(db: Db): Promise<boolean> {
    const keys = await db.keys({ limit: 1 }).all();
    return keys.length === 0;
  }

  /** Header, key check and the first records of a new wallet, as batch operations. */
  static async create(db: Db, passphrase: string): Promise<{ vault: Vault; ops: BatchOp[] }> {
    const params = newScryptParams();
    const keys = await deriveKeys(passphrase, params, KDF_PURPOSE);
    const header: Header = { format: 'vneid-wallet', version: 1, kdf: { name: 'scrypt', ...params } };
    const ops: BatchOp[] = [
      { type: 'put', key: HEADER_KEY, value: header },
      { type: 'put', key: CHECK_KEY, value: seal(keys.enc, Buffer.from(CHECK_TEXT), CHECK_KEY) },
    ];
    return { vault: new Vault(db, keys), ops };
  }

  /**
   * Unlocks an existing wallet. Reads only: a wrong passphrase leaves every
   * byte of the database as it was.
   *
   * @throws {VneidError} WALLET_LOCKED for a wrong passphrase, WALLET_CORRUPTED for a damaged header.
   */
  static async unlock(db: Db, passphrase: string): Promise<Vault> {
    const header = await db.get(HEADER_KEY);
    if (!isHeader(header)) throw new VneidError('WALLET_CORRUPTED', 'wallet header is missing or malformed');
    const keys = await deriveKeys(passphrase, header.kdf, KDF_PURPOSE);
    const check = open(keys.enc, await db.get(CHECK_KEY), CHECK_KEY);
    if (!check || check.toString('utf8') !== CHECK_TEXT) {
      wipeKeys(keys);
      throw new VneidError('WALLET_LOCKED', 'wrong passphrase');
    }
    return new Vault(db, keys);
  }

  /** The LevelDB key of a logical record. */
  keyOf(ns: Namespace, name: string): string {
    return `${PREFIX[ns]}:${hmacHex(this.keys.index, `${ns}\u0000${name}`)}`;
  }

  /** A put of `value` under `name`, sealed. */
  put(ns: Namespace, name: string, value: unknown): BatchOp {
    const key = this.keyOf(ns, name);
    return { type: 'put', key, value: seal(this.keys.enc, Buffer.from(JSON.stringify({ name, value })), key) };
  }

  del(ns: Namespace, name: string): BatchOp {
    return { type: 'del', key: this.keyOf(ns, name) };
  }

  /** Applies `ops` atomically and durably: nothing is acknowledged before it is on disk. */
  async write(ops: BatchOp[]): Promise<void> {
    if (ops.length > 0) await this.db.batch(ops as never, { sync: true });
  }

  async get<T>(ns: Namespace, name: string): Promise<T | undefined> {
    const key = this.keyOf(ns, name);
    const stored = await this.db.get(key);
    if (stored === undefined) return undefined;
    return this.unseal<T>(key, stored, name).value;
  }

  /** Every record of a namespace, decrypted. */
  async all<T>(ns: Namespace): Promise<Array<{ name: string; value: T }>> {
    const out: Array<{ name: string; value: T }> = [];
    const prefix = `${PREFIX[ns]}:`;
    for await (const [key, stored] of this.db.iterator({ gt: prefix, lt: `${PREFIX[ns]};` })) {
      out.push(this.unseal<T>(key, stored));
    }
    return out;
  }

  /**
   * Every record re-encrypted under keys derived from `passphrase` with a new
   * salt, as one list of operations (old keys deleted, new ones written) for
   * a single atomic batch; returns the vault that will be valid after it.
   */
  async rekey(passphrase: string): Promise<{ vault: Vault; ops: BatchOp[] }> {
    const { vault, ops } = await Vault.create(this.db, passphrase);
    for (const ns of NAMESPACES) {
      for (const { name, value } of await this.all(ns)) {
        ops.push(this.del(ns, name), vault.put(ns, name, value));
      }
    }
    return { vault, ops };
  }

  /** Forgets the keys (the database is closed by its owner). */
  wipe(): void {
    wipeKeys(this.keys);
  }

  private unseal<T>(key: string, stored: unknown, expectedName?: string): { name: string; value: T } {
    const plain = open(this.keys.enc, stored, key);
    let record: unknown;
    try {
      record = plain ? JSON.parse(plain.toString('utf8')) : undefined;
    } catch {
      record = undefined;
    }
    const r = record as { name?: unknown; value?: unknown } | undefined;
    // A record that does not open under the right key, or names another
    // record than the key it sits under, was altered on disk.
    if (!r || typeof r.name !== 'string' || (expectedName !== undefined && r.name !== expectedName)) {
      throw new VneidError('WALLET_CORRUPTED', 'a wallet record does not authenticate', { details: { key } });
    }
    return { name: r.name, value: r.value as T };
  }
}

function isHeader(value: unknown): value is Header {
  if (!value || typeof value !== 'object') return false;
  const h = value as Partial<Header>;
  return h.format === 'vneid-wallet' && h.version === 1 && h.kdf?.name === 'scrypt' && isAcceptableScrypt(h.kdf);
}
