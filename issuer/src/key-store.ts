import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import type { ExportedKeyPair } from '@vneid/core';
import { VneidError } from '@vneid/core';

/** Where ministry key pairs (with their secrets) live at rest. */
export interface KeyStore {
  /** Stores a key pair under its id (replacing nothing: ids are never reused). */
  put(keyId: string, exported: ExportedKeyPair): Promise<void>;
  /** The key pair, or undefined when no key has that id. */
  get(keyId: string): Promise<ExportedKeyPair | undefined>;
  /** Every stored key id. */
  list(): Promise<string[]>;
}

/** The storage an encrypted key store writes to: a JSON-valued LevelDB sublevel (or anything shaped like one). */
export interface KeyStoreBackend {
  get(key: string): Promise<any>;
  put(key: string, value: unknown, options?: { sync?: boolean }): Promise<void>;
  keys(options?: { gte?: string; lt?: string }): AsyncIterable<string>;
  /**
   * Stores `value` unless `key` holds something, and returns what `key`
   * holds then. Backends shared by several processes must have it: two
   * replicas opening an empty store at once must agree on one salt.
   */
  putIfAbsent?(key: string, value: unknown): Promise<any>;
}

interface Sealed {
  nonce: string;
  ciphertext: string;
  tag: string;
}

// OWASP's scrypt floor for interactive use: N=2^15, r=8, p=1 (32 MiB).
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const META_KEY = 'meta';
const RECORD_PREFIX = 'key!';
const CHECK_PLAINTEXT = 'vneid-issuer-keystore-v1';
const CHECK_AAD = 'keystore-check';

function scrypt(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFC'), salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function seal(key: Buffer, plaintext: string, aad: string): Sealed {
  // A fresh random 96-bit nonce per record: GCM breaks completely if one repeats under a key.
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    nonce: nonce.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

function open(key: Buffer, sealed: Sealed, aad: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.nonce, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch (cause) {
    throw new VneidError('KEYSTORE_LOCKED', 'key store cannot be opened: wrong passphrase or altered data', {
      cause,
    });
  }
}

/**
 * A {@link KeyStore} that encrypts every record with AES-256-GCM under a key
 * derived from `passphrase` by scrypt (N=2^15, r=8, p=1, random salt stored
 * beside the records). Each record has its own 12-byte nonce and is bound to
 * its key id as associated data, so a record cannot be moved to another id.
 * The passphrase is checked on open against a sealed known value.
 *
 * @example
 * const keys = await createEncryptedKeyStore(db.sublevel('keys', { valueEncoding: 'json' }), process.env.VNEID_ISSUER_PASSPHRASE!);
 * @throws {VneidError} KEYSTORE_LOCKED for a wrong passphrase (on open) or a record that fails authentication.
 * @throws {TypeError} for an empty passphrase.
 */
export async function createEncryptedKeyStore(backend: KeyStoreBackend, passphrase: string): Promise<KeyStore> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('passphrase is required');
  let meta = (await backend.get(META_KEY)) as { salt: string; check: Sealed } | undefined;
  let key: Buffer;
  if (meta === undefined) {
    const salt = randomBytes(16);
    key = await scrypt(passphrase, salt);
    meta = { salt: salt.toString('base64'), check: seal(key, CHECK_PLAINTEXT, CHECK_AAD) };
    if (backend.putIfAbsent) {
      const winner = (await backend.putIfAbsent(META_KEY, meta)) as typeof meta;
      if (winner.salt !== meta.salt) {
        // Another replica created the store first: use its salt.
        meta = winner;
        key = await scrypt(passphrase, Buffer.from(meta.salt, 'base64'));
        if (open(key, meta.check, CHECK_AAD) !== CHECK_PLAINTEXT) {
          throw new VneidError('KEYSTORE_LOCKED', 'key store cannot be opened: wrong passphrase');
        }
      }
    } else await backend.put(META_KEY, meta, { sync: true });
  } else {
    key = await scrypt(passphrase, Buffer.from(meta.salt, 'base64'));
    if (open(key, meta.check, CHECK_AAD) !== CHECK_PLAINTEXT) {
      throw new VneidError('KEYSTORE_LOCKED', 'key store cannot be opened: wrong passphrase');
    }
  }
  return {
    async put(keyId, exported) {
      if (typeof keyId !== 'string' || keyId.length === 0) throw new TypeError('keyId is required');
      await backend.put(RECORD_PREFIX + keyId, seal(key, JSON.stringify(exported), keyId), { sync: true });
    },
    async get(keyId) {
      const sealed = (await backend.get(RECORD_PREFIX + keyId)) as Sealed | undefined;
      if (sealed === undefined) return undefined;
      return JSON.parse(open(key, sealed, keyId)) as ExportedKeyPair;
    },
    async list() {
      const ids: string[] = [];
      for await (const k of backend.keys({ gte: RECORD_PREFIX, lt: `${RECORD_PREFIX}\uffff` })) {
        ids.push(k.slice(RECORD_PREFIX.length));
      }
      return ids;
    },
  };
}
