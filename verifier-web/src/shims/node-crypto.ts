// The part of node:crypto that the verification path of @vneid/core and
// @vneid/verifier calls, implemented with @noble (hashes, Ed25519, P-256) so
// that the browser bundle holds no node module. Signing and key generation
// are not part of verification and throw.
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from './buffer.js';

type Data = string | Uint8Array;
const ED25519_SPKI_PREFIX = '302a300506032b6570032100';

function bytesOf(data: Data, encoding?: string): Uint8Array {
  if (typeof data !== 'string') return data;
  return encoding && encoding !== 'utf8' && encoding !== 'utf-8'
    ? Buffer.from(data, encoding as BufferEncoding)
    : new TextEncoder().encode(data);
}

function output(bytes: Uint8Array, encoding?: string): Buffer | string {
  const buffer = Buffer.from(bytes);
  return encoding ? buffer.toString(encoding as BufferEncoding) : buffer;
}

function hashObject(make: () => { update(b: Uint8Array): unknown; digest(): Uint8Array }) {
  const state = make();
  const self = {
    update(data: Data, encoding?: string) {
      state.update(bytesOf(data, encoding));
      return self;
    },
    digest(encoding?: string) {
      return output(state.digest(), encoding);
    },
  };
  return self;
}

function onlySha256(algorithm: string): void {
  if (algorithm.toLowerCase() !== 'sha256') throw new Error(`browser build: hash ${algorithm} is not available`);
}

export function createHash(algorithm: string) {
  onlySha256(algorithm);
  return hashObject(() => sha256.create());
}

export function createHmac(algorithm: string, key: Data) {
  onlySha256(algorithm);
  return hashObject(() => hmac.create(sha256, bytesOf(key)));
}

export function randomBytes(size: number): Buffer {
  const bytes = new Uint8Array(size);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes);
}

/** A public key as the shim holds it: the raw bytes and their curve. */
export interface KeyObject {
  type: 'public';
  asymmetricKeyType: 'ed25519' | 'ec';
  raw: Uint8Array;
}

function fromB64url(text: unknown): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('invalid JWK');
  return Buffer.from(text, 'base64url' as BufferEncoding);
}

export function createPublicKey(input: { key: unknown; format?: string; type?: string }): KeyObject {
  if (input.format === 'der' && input.type === 'spki' && input.key instanceof Uint8Array) {
    const hex = Buffer.from(input.key).toString('hex');
    if (hex.length === 88 && hex.startsWith(ED25519_SPKI_PREFIX)) {
      const raw = input.key.slice(12);
      ed25519.Point.fromBytes(raw);
      return { type: 'public', asymmetricKeyType: 'ed25519', raw };
    }
  }
  if (input.format === 'jwk' && input.key && typeof input.key === 'object') {
    const jwk = input.key as Record<string, unknown>;
    if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
      const raw = new Uint8Array([4, ...fromB64url(jwk.x), ...fromB64url(jwk.y)]);
      p256.Point.fromBytes(raw); // throws for a point off the curve, as node does
      return { type: 'public', asymmetricKeyType: 'ec', raw };
    }
  }
  throw new Error('browser build: unsupported public key form');
}

export function verify(
  algorithm: string | null | undefined,
  data: Uint8Array,
  key: KeyObject | { key: KeyObject; dsaEncoding?: string },
  signature: Uint8Array,
): boolean {
  const keyObject = 'raw' in key ? key : key.key;
  if (keyObject.asymmetricKeyType === 'ed25519' && (algorithm === null || algorithm === undefined)) {
    // zip215: false is RFC 8032's strict rule, as OpenSSL applies it.
    return ed25519.verify(signature, data, keyObject.raw, { zip215: false });
  }
  if (keyObject.asymmetricKeyType === 'ec' && algorithm === 'sha256') {
    if (!('dsaEncoding' in key) || key.dsaEncoding !== 'ieee-p1363') {
      throw new Error('browser build: only IEEE P1363 ECDSA signatures are supported');
    }
    if (signature.length !== 64) return false;
    // node:crypto accepts high-S signatures; so does this.
    return p256.verify(signature, data, keyObject.raw, { lowS: false, prehash: true });
  }
  throw new Error('browser build: unsupported verification');
}

export const ECDH = {
  convertKey(key: Uint8Array, curve: string, _in?: string, _out?: string, format?: string): Buffer {
    if (curve !== 'prime256v1' || format !== 'uncompressed') throw new Error('browser build: unsupported ECDH form');
    return Buffer.from(p256.Point.fromBytes(key).toBytes(false));
  },
};

function unavailable(name: string): never {
  throw new Error(`browser build: node:crypto ${name} is not part of verification`);
}
export const sign = (): never => unavailable('sign');
export const createPrivateKey = (): never => unavailable('createPrivateKey');
export const generateKeyPairSync = (): never => unavailable('generateKeyPairSync');
export const randomInt = (): never => unavailable('randomInt');
export const randomUUID = (): string => globalThis.crypto.randomUUID();
