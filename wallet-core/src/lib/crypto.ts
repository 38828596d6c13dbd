import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt } from 'node:crypto';

/**
 * scrypt parameters, stored beside the salt so that a later version can raise
 * them. N = 2^15, r = 8 costs ~32 MiB and ~100 ms on a phone-class core: a
 * guess at a 6-digit PIN then costs an attacker who copied the folder about
 * a day of one core for the whole PIN space — the app must still prefer
 * longer passphrases (see README).
 */
export interface ScryptParams {
  salt: string;
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;

// Parameters come back from disk or from a backup blob (hostile): bound them
// so a doctored header cannot make us allocate gigabytes or spin for hours.
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 17; // 128 MiB of scrypt memory at r = 8

/** True when `params` are scrypt parameters we are willing to run. */
export function isAcceptableScrypt(params: unknown): params is ScryptParams {
  if (!params || typeof params !== 'object') return false;
  const { salt, N, r, p } = params as Record<string, unknown>;
  return (
    typeof salt === 'string' &&
    /^[A-Za-z0-9_-]{22,64}$/.test(salt) &&
    typeof N === 'number' &&
    Number.isInteger(N) &&
    N >= MIN_N &&
    N <= MAX_N &&
    (N & (N - 1)) === 0 &&
    r === 8 &&
    p === 1
  );
}

/** Fresh scrypt parameters with a random 128-bit salt. */
export function newScryptParams(): ScryptParams {
  return { salt: randomBytes(16).toString('base64url'), ...DEFAULT_SCRYPT };
}

/** The two keys a passphrase unlocks: one encrypts records, one names them. */
export interface RecordKeys {
  /** AES-256-GCM key of every record value. */
  enc: Buffer;
  /** HMAC-SHA256 key that turns credential ids and record names into LevelDB keys. */
  index: Buffer;
}

/**
 * Derives the key-encryption key from a passphrase with scrypt, then splits
 * it with HKDF so that the encryption key is never also used as a MAC key.
 * The passphrase is NFC-normalized: Vietnamese keyboards may send "ễ" as one
 * code point or as "e" plus two combining marks, and both must unlock.
 */
export async function deriveKeys(passphrase: string, params: ScryptParams, purpose: string): Promise<RecordKeys> {
  const kek = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      Buffer.from(passphrase.normalize('NFC'), 'utf8'),
      Buffer.from(params.salt, 'base64url'),
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
  const split = (info: string) => Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), `${purpose}/${info}`, 32));
  const keys = { enc: split('enc'), index: split('index') };
  kek.fill(0);
  return keys;
}

/** Overwrites key material that is no longer needed. */
export function wipeKeys(keys: RecordKeys): void {
  keys.enc.fill(0);
  keys.index.fill(0);
}

/** A sealed value: AES-256-GCM nonce and ciphertext with its tag appended, base64url. */
export interface Sealed {
  n: string;
  c: string;
}

/**
 * Encrypts `plaintext` with a fresh 96-bit nonce. `aad` binds the ciphertext
 * to where it is stored, so a record copied under another key does not open.
 */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { n: nonce.toString('base64url'), c: body.toString('base64url') };
}

/** Decrypts a {@link Sealed} value, or returns `undefined` when it does not authenticate. */
export function open(key: Buffer, sealed: unknown, aad: string): Buffer | undefined {
  if (!sealed || typeof sealed !== 'object') return undefined;
  const { n, c } = sealed as Record<string, unknown>;
  if (typeof n !== 'string' || typeof c !== 'string') return undefined;
  const nonce = Buffer.from(n, 'base64url');
  const body = Buffer.from(c, 'base64url');
  if (nonce.length !== 12 || body.length < 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** HMAC-SHA256 hex of `name`: record keys reveal neither credential ids nor what a record is about. */
export function hmacHex(key: Buffer, name: string): string {
  return createHmac('sha256', key).update(name, 'utf8').digest('hex');
}
