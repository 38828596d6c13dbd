import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import type { KeyPair, KeyType } from '../keys.js';
import { decodeBase58 } from '../lib/base58.js';

// Multicodec headers (varint): ed25519-pub 0xed, ed25519-priv 0x1300,
// p256-pub 0x1200, p256-priv 0x1306.
const ED25519_PUBLIC = [0xed, 0x01];
const ED25519_SECRET = [0x80, 0x26];
const P256_PUBLIC = [0x80, 0x24];
const P256_SECRET = [0x86, 0x26];

// DER prefixes of an Ed25519 SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface NodePublicKey {
  keyType: KeyType;
  key: KeyObject;
}

const MAX_PUBLIC_KEYS = 4096;
const publicKeys = new Map<string, NodePublicKey | null>();

/**
 * A node:crypto public key for a Multikey `publicKeyMultibase`, imported once
 * and kept (a bounded cache: verifiers see a few ministry keys and many
 * holder keys). `undefined` for anything but a well-formed Ed25519 or P-256
 * key — the caller then takes the library path, which explains the failure.
 */
export function nodePublicKey(publicKeyMultibase: unknown): NodePublicKey | undefined {
  if (typeof publicKeyMultibase !== 'string' || publicKeyMultibase.length > 128) return undefined;
  const cached = publicKeys.get(publicKeyMultibase);
  if (cached !== undefined) return cached ?? undefined;
  const imported = importPublic(publicKeyMultibase);
  publicKeys.set(publicKeyMultibase, imported ?? null);
  if (publicKeys.size > MAX_PUBLIC_KEYS) publicKeys.delete(publicKeys.keys().next().value!);
  return imported;
}

function importPublic(multibase: string): NodePublicKey | undefined {
  const bytes = multibase.startsWith('z') ? decodeBase58(multibase.slice(1)) : undefined;
  if (!bytes) return undefined;
  try {
    if (hasHeader(bytes, ED25519_PUBLIC) && bytes.length === 34) {
      const der = Buffer.concat([ED25519_SPKI_PREFIX, bytes.subarray(2)]);
      return { keyType: 'Ed25519', key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
    }
    if (hasHeader(bytes, P256_PUBLIC) && bytes.length === 35) {
      const point = p256.Point.fromBytes(bytes.subarray(2)).toAffine();
      return { keyType: 'P-256', key: createPublicKey({ key: ecJwk(point.x, point.y), format: 'jwk' }) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const privateKeys = new WeakMap<KeyPair, KeyObject>();

/** The node:crypto private key of a key pair with its secret, imported once per key pair. */
export function nodePrivateKey(keyPair: KeyPair): KeyObject | undefined {
  const cached = privateKeys.get(keyPair);
  if (cached) return cached;
  const { secretKeyMultibase, publicKeyMultibase } = keyPair.export({ includeSecret: true });
  const secret = secretKeyMultibase?.startsWith('z') ? decodeBase58(secretKeyMultibase.slice(1)) : undefined;
  const publicBytes = publicKeyMultibase.startsWith('z') ? decodeBase58(publicKeyMultibase.slice(1)) : undefined;
  if (!secret || !publicBytes) return undefined;
  let key: KeyObject | undefined;
  try {
    if (keyPair.keyType === 'Ed25519' && hasHeader(secret, ED25519_SECRET) && secret.length >= 34) {
      const seed = secret.subarray(2, 34);
      key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    } else if (keyPair.keyType === 'P-256' && hasHeader(secret, P256_SECRET) && secret.length === 34) {
      const point = p256.Point.fromBytes(publicBytes.subarray(2)).toAffine();
      key = createPrivateKey({ key: { ...ecJwk(point.x, point.y), d: base64url(secret.subarray(2)) }, format: 'jwk' });
    }
  } catch {
    return undefined;
  }
  if (key) privateKeys.set(keyPair, key);
  return key;
}

function hasHeader(bytes: Uint8Array, header: number[]): boolean {
  return bytes[0] === header[0] && bytes[1] === header[1];
}

function ecJwk(x: bigint, y: bigint) {
  return { kty: 'EC', crv: 'P-256', x: base64url(toBytes32(x)), y: base64url(toBytes32(y)) };
}

function toBytes32(n: bigint): Uint8Array {
  return Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
