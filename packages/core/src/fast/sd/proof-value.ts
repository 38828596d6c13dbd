// ecdsa-sd-2023 proof values (vc-di-ecdsa §3.5.2–3.5.7): a multibase
// base64url string holding a 3-byte CBOR tag header and a CBOR array. The
// parsers decode with the same cborg build and options as the cryptosuite
// (proofValue.js), and accept only what the library would also decode to the
// same values: canonical base64url, the same type checks. Anything else is
// `undefined`, and the caller defers to the library.
import { decode, encode } from 'cborg';
import { SD_BASE_HEADER, SD_DERIVED_HEADER } from '../../lib/sd-proof-headers.js';

const BASE_HEADER = SD_BASE_HEADER;
const DERIVED_HEADER = SD_DERIVED_HEADER;

// The cryptosuite's decoder also takes tag 64 (a typed Uint8Array) as bytes.
const TAGS: Array<(inner: unknown) => unknown> = [];
TAGS[64] = (inner) => inner;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface BaseProofValue {
  baseSignature: Uint8Array;
  /** The ephemeral key, as a P-256 Multikey (0x8024 header, compressed point): 35 bytes. */
  publicKey: Uint8Array;
  hmacKey: Uint8Array;
  signatures: Uint8Array[];
  mandatoryPointers: string[];
}

export interface DerivedProofValue {
  baseSignature: Uint8Array;
  publicKey: Uint8Array;
  signatures: Uint8Array[];
  /** Canonical label of the revealed document (`c14n3`) → HMAC label (`u…`), as the library decompresses it. */
  labelMap: Map<string, string>;
  mandatoryIndexes: number[];
}

/**
 * Bytes of a `u…` value only when it is canonical base64url: base64url-universal
 * also reads `+`, `/` and stray bits, Buffer skips junk; on canonical text they agree.
 */
function multibaseBytes(proofValue: unknown, header: readonly number[]): Uint8Array | undefined {
  if (typeof proofValue !== 'string' || proofValue[0] !== 'u') return undefined;
  const text = proofValue.slice(1);
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return undefined;
  if (bytes.length < header.length || header.some((b, i) => bytes[i] !== b)) return undefined;
  return bytes.subarray(header.length);
}

function decodePayload(payload: Uint8Array): unknown[] | undefined {
  try {
    const decoded = decode(payload, { useMaps: true, tags: TAGS });
    return Array.isArray(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

const isBytes = (value: unknown, length?: number): value is Uint8Array =>
  value instanceof Uint8Array && (length === undefined || value.length === length);

/** A derived proof value (`u2V0B…`), or `undefined` where the library would refuse it or might read it otherwise. */
export function parseDerivedProofValue(proofValue: unknown): DerivedProofValue | undefined {
  const payload = multibaseBytes(proofValue, DERIVED_HEADER);
  const items = payload && decodePayload(payload);
  if (!items) return undefined;
  const [baseSignature, publicKey, signatures, compressed, mandatoryIndexes] = items;
  if (!isBytes(baseSignature, 64) || !isBytes(publicKey, 35)) return undefined;
  if (!Array.isArray(signatures) || !signatures.every((s) => isBytes(s))) return undefined;
  if (!Array.isArray(mandatoryIndexes) || !mandatoryIndexes.every(Number.isInteger)) return undefined;
  // The library iterates `.entries()`, which an array also has; only maps of integers to bytes are ours.
  if (!(compressed instanceof Map)) return undefined;
  const labelMap = new Map<string, string>();
  for (const [key, value] of compressed) {
    if (!Number.isInteger(key) || !isBytes(value)) return undefined;
    labelMap.set(`c14n${key}`, `u${Buffer.from(value).toString('base64url')}`);
  }
  return { baseSignature, publicKey, signatures, labelMap, mandatoryIndexes };
}

/** A base proof value (`u2V0A…`), or `undefined` where the library would refuse it or might read it otherwise. */
export function parseBaseProofValue(proofValue: unknown): BaseProofValue | undefined {
  const payload = multibaseBytes(proofValue, BASE_HEADER);
  const items = payload && decodePayload(payload);
  if (!items) return undefined;
  const [baseSignature, publicKey, hmacKey, signatures, mandatoryPointers] = items;
  if (!isBytes(baseSignature, 64) || !isBytes(publicKey, 35) || !isBytes(hmacKey, 32)) return undefined;
  if (!Array.isArray(signatures) || !signatures.every((s) => isBytes(s, 64))) return undefined;
  if (!Array.isArray(mandatoryPointers) || !mandatoryPointers.every((p) => typeof p === 'string')) return undefined;
  return { baseSignature, publicKey, hmacKey, signatures, mandatoryPointers };
}

/**
 * The base proof value, encoded as the cryptosuite's serializeBaseProofValue
 * does (cborg's encoding of the same array; the test compares the two on
 * random values). Written out because cborg's generic encoder costs more
 * than a P-256 signature here.
 */
export function serializeBaseProofValue(value: BaseProofValue): string {
  const { baseSignature, publicKey, hmacKey, signatures, mandatoryPointers } = value;
  const pointers = mandatoryPointers.map((p) => Buffer.from(p, 'utf8'));
  let size = BASE_HEADER.length + 1;
  for (const bytes of [baseSignature, publicKey, hmacKey]) size += headLength(bytes.length) + bytes.length;
  size += headLength(signatures.length);
  for (const bytes of signatures) size += headLength(bytes.length) + bytes.length;
  size += headLength(pointers.length);
  for (const bytes of pointers) size += headLength(bytes.length) + bytes.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const b of BASE_HEADER) out[at++] = b;
  at = writeHead(out, at, 4, 5);
  for (const bytes of [baseSignature, publicKey, hmacKey]) at = writeBytes(out, at, 2, bytes);
  at = writeHead(out, at, 4, signatures.length);
  for (const bytes of signatures) at = writeBytes(out, at, 2, bytes);
  at = writeHead(out, at, 4, pointers.length);
  for (const bytes of pointers) at = writeBytes(out, at, 3, bytes);
  return `u${out.toString('base64url')}`;
}

// CBOR heads with the shortest argument (RFC 8949 §4.2.1), as cborg writes them.
function headLength(argument: number): number {
  return argument < 24 ? 1 : argument < 0x100 ? 2 : argument < 0x10000 ? 3 : 5;
}

function writeHead(out: Buffer, at: number, major: number, argument: number): number {
  const type = major << 5;
  if (argument < 24) out[at++] = type | argument;
  else if (argument < 0x100) {
    out[at++] = type | 24;
    out[at++] = argument;
  } else if (argument < 0x10000) {
    out[at++] = type | 25;
    out.writeUInt16BE(argument, at);
    at += 2;
  } else {
    out[at++] = type | 26;
    out.writeUInt32BE(argument, at);
    at += 4;
  }
  return at;
}

function writeBytes(out: Buffer, at: number, major: number, bytes: Uint8Array): number {
  at = writeHead(out, at, major, bytes.length);
  out.set(bytes, at);
  return at + bytes.length;
}

/** The derived proof value, encoded as the cryptosuite's serializeDisclosureProofValue does (label map compressed). */
export function serializeDerivedProofValue(value: DerivedProofValue): string {
  const compressed = new Map<number, Uint8Array>();
  for (const [label, hmacLabel] of value.labelMap) {
    compressed.set(Number.parseInt(label.slice(4), 10), Buffer.from(hmacLabel.slice(1), 'base64url'));
  }
  const { baseSignature, publicKey, signatures, mandatoryIndexes } = value;
  const cbor = encode([baseSignature, publicKey, signatures, compressed, mandatoryIndexes]);
  return `u${Buffer.concat([Buffer.from(DERIVED_HEADER), cbor]).toString('base64url')}`;
}
