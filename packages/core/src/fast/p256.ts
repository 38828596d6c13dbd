import { createHash, createPublicKey, ECDH, type KeyObject, sign, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';

const P256_MULTIKEY_HEADER = [0x80, 0x24];
const P1363 = { dsaEncoding: 'ieee-p1363' } as const;
const P256_ORDER = p256.Point.Fn.ORDER;
const P256_ORDER_BYTES = Buffer.from(P256_ORDER.toString(16).padStart(64, '0'), 'hex');
const P256_HALF_ORDER_BYTES = Buffer.from((P256_ORDER >> 1n).toString(16).padStart(64, '0'), 'hex');

/**
 * The ephemeral key of an ecdsa-sd-2023 proof (a 35-byte P-256 Multikey:
 * header 0x8024, compressed point) as a node:crypto key; `undefined` when
 * it is not one. Not cached: each credential has its own.
 */
export function ephemeralPublicKey(multikey: Uint8Array): KeyObject | undefined {
  if (multikey.length !== 35 || multikey[0] !== P256_MULTIKEY_HEADER[0] || multikey[1] !== P256_MULTIKEY_HEADER[1]) {
    return undefined;
  }
  try {
    // OpenSSL's point decoding (EC_POINT_oct2point), as in the SPKI import
    // ecdsa-multikey does through WebCrypto, refusing x ≥ p and x with no
    // point on the curve; a JWK import of the result is ~40 µs cheaper than the SPKI one.
    const point = ECDH.convertKey(multikey.subarray(2), 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
    const x = point.subarray(1, 33).toString('base64url');
    const y = point.subarray(33, 65).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** ECDSA P-256 / SHA-256 over `data` with a raw r‖s signature, as WebCrypto verifies it (either S). */
export function verifyP256(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  return verify('sha256', data, { key, ...P1363 }, signature);
}

/** ECDSA P-256 / SHA-256, raw r‖s, normalised to low S (@noble/curves and many HSMs refuse high S). */
export function signP256(key: KeyObject, data: Uint8Array): Uint8Array {
  const signature = sign('sha256', data, { key, ...P1363 });
  if (!isHighS(signature)) return signature;
  // s' = n − s, big-endian, byte by byte (no BigInt on the hot path).
  let borrow = 0;
  for (let i = 31; i >= 0; i--) {
    const d = P256_ORDER_BYTES[i]! - signature[32 + i]! - borrow;
    signature[32 + i] = d & 0xff;
    borrow = d < 0 ? 1 : 0;
  }
  return signature;
}

/** Whether s (bytes 32–63) is above n/2. */
export function isHighS(signature: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    const b = signature[32 + i]!;
    const h = P256_HALF_ORDER_BYTES[i]!;
    if (b !== h) return b > h;
  }
  return false;
}

export const sha256 = (data: string | Uint8Array): Buffer => createHash('sha256').update(data).digest();
