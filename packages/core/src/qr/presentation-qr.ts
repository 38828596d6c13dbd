// Browser-safe on purpose: no `node:` import here or in what it imports, so the
// verifier web page bundles the same decoder the officer's device runs.
import { decode as decodeCborld, encode as encodeCborld } from '@digitalbazaar/cborld';
import { decode as decodeCbor, encode as encodeCbor } from 'cborg';
import type { DocumentLoader } from '../document-loader.js';
import { InputLimitError, VneidError } from '../errors.js';
import { canonicalJson } from '../lib/canonical-json.js';
import { assertSafeJson } from '../safe-json.js';
import type { JsonObject } from '../sign-credential.js';
import { VNEID_CBORLD_REGISTRY_ENTRY_ID, vneidTypeTableLoader } from './codec-table.js';
import { frameParts, reassembleParts } from './frame.js';
import { deflate, inflateCapped } from './inflate.js';
import { DEFAULT_QR_LIMITS, type QrLimits } from './limits.js';

/** Options of {@link encodePresentationQr}. */
export interface EncodePresentationQrOptions {
  /** A signed presentation whose `verifiableCredential` is an array of embedded credentials. */
  presentation: JsonObject;
  /** The static loader with our contexts: CBOR-LD compresses terms from them. */
  documentLoader: DocumentLoader;
  /** Payload bytes per QR part; default fits one QR of version 25 at error correction M. */
  partCapacity?: number;
}

/** Options of {@link decodePresentationQr}. */
export interface DecodePresentationQrOptions {
  /** The scanned parts, in any order. */
  parts: readonly Uint8Array[];
  documentLoader: DocumentLoader;
  limits?: Partial<QrLimits>;
}

/*
 * Layout of the message: raw DEFLATE of a CBOR array of CBOR-LD documents,
 * the presentation without its credentials first, then each credential.
 * CBOR-LD 8.1 cannot walk into a VCDM 2.0 presentation's embedded credentials
 * (the v2 context scopes `verifiableCredential` with `"@context": null`, which
 * its context loader does not accept), and each credential is a JSON-LD
 * document of its own anyway; DEFLATE then folds the strings the documents
 * share (holder DID, status list URLs).
 */
async function cborld(doc: JsonObject, documentLoader: DocumentLoader): Promise<Uint8Array> {
  return encodeCborld({
    jsonldDocument: doc,
    documentLoader,
    registryEntryId: VNEID_CBORLD_REGISTRY_ENTRY_ID,
    typeTableLoader: vneidTypeTableLoader,
  });
}

async function fromCborld(bytes: unknown, documentLoader: DocumentLoader): Promise<JsonObject> {
  if (!(bytes instanceof Uint8Array)) throw new VneidError('QR_MALFORMED', 'a QR document is not CBOR-LD bytes');
  // Only our registry entry: an uncompressed (id 0) or foreign payload is refused, not passed through.
  if (bytes.length < 6 || bytes[0] !== 0xd9 || bytes[1] !== 0xcb || bytes[2] !== 0x1d) {
    throw new VneidError('QR_MALFORMED', 'a QR document is not CBOR-LD 1.0');
  }
  let doc: unknown;
  try {
    doc = await decodeCborld({ cborldBytes: bytes, documentLoader, typeTableLoader: vneidTypeTableLoader });
  } catch (cause) {
    if (cause instanceof VneidError) throw cause;
    throw new VneidError('QR_MALFORMED', 'a QR document is not valid CBOR-LD', { cause });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof Map) {
    throw new VneidError('QR_MALFORMED', 'a QR document is not a JSON-LD object');
  }
  return doc as JsonObject;
}

function credentialsOf(presentation: JsonObject): JsonObject[] {
  const list = presentation.verifiableCredential;
  if (!Array.isArray(list) || list.some((c) => !c || typeof c !== 'object' || Array.isArray(c))) {
    throw new TypeError('presentation.verifiableCredential must be an array of embedded credentials');
  }
  return list as JsonObject[];
}

async function decodeWhole(whole: Uint8Array, documentLoader: DocumentLoader, limits: QrLimits): Promise<JsonObject> {
  const inflated = inflateCapped(whole, limits.maxInflatedBytes);
  // A CBOR array of byte strings: check the head byte before handing it to the decoder.
  const head = inflated[0] ?? 0;
  if (head < 0x81 || head > 0x97) throw new VneidError('QR_MALFORMED', 'the QR payload is not a CBOR array');
  if ((head & 0x1f) - 1 > limits.maxCredentials) {
    throw new InputLimitError(`more than ${limits.maxCredentials} credentials in a QR presentation`, {
      details: { limit: 'maxCredentials' },
    });
  }
  let docs: unknown;
  try {
    docs = decodeCbor(inflated);
  } catch (cause) {
    throw new VneidError('QR_MALFORMED', 'the QR payload is not valid CBOR', { cause });
  }
  if (!Array.isArray(docs) || docs.length === 0) throw new VneidError('QR_MALFORMED', 'empty QR payload');
  const [shell, ...credentials] = docs as unknown[];
  const presentation = await fromCborld(shell, documentLoader);
  if ('verifiableCredential' in presentation) {
    throw new VneidError('QR_MALFORMED', 'the presentation shell carries credentials of its own');
  }
  const decoded: JsonObject[] = [];
  for (const c of credentials) decoded.push(await fromCborld(c, documentLoader));
  const result = { ...presentation, verifiableCredential: decoded } as JsonObject;
  // The decoded document is outside input like any other: the usual structural limits apply.
  assertSafeJson(result);
  return result;
}

/**
 * Encodes a signed presentation for the offline QR transport: each document
 * CBOR-LD compressed with our codec table, DEFLATE over the lot, split into
 * as many parts as needed (one QR where it fits), each part carrying the
 * message id, its index and the count. The encoder decodes its own output
 * and refuses to emit a lossy encoding.
 *
 * @example
 * const parts = await encodePresentationQr({ presentation, documentLoader }) // Uint8Array per QR, byte mode
 * @throws {VneidError} QR_TOO_LARGE (more than 255 parts), QR_MALFORMED (the encoding would not round-trip).
 * @throws {TypeError} for a presentation without embedded credentials.
 * @see https://json-ld.github.io/cbor-ld-spec/
 */
export async function encodePresentationQr(options: EncodePresentationQrOptions): Promise<Uint8Array[]> {
  const { presentation, documentLoader } = options;
  if (!presentation || typeof presentation !== 'object') throw new TypeError('presentation must be an object');
  const credentials = credentialsOf(presentation);
  const { verifiableCredential: _omit, ...shell } = presentation;
  const docs = [await cborld(shell as JsonObject, documentLoader)];
  for (const c of credentials) docs.push(await cborld(c, documentLoader));
  const whole = deflate(encodeCbor(docs));
  const limits = { ...DEFAULT_QR_LIMITS, maxCompressedBytes: Number.MAX_SAFE_INTEGER, maxInflatedBytes: 1 << 24 };
  const back = await decodeWhole(whole, documentLoader, { ...limits, maxCredentials: credentials.length });
  if (canonicalJson(back) !== canonicalJson(presentation)) {
    throw new VneidError('QR_MALFORMED', 'CBOR-LD did not reproduce the presentation; not encoding it');
  }
  return frameParts('presentation', whole, options.partCapacity);
}

/**
 * Reassembles and decodes a presentation scanned from one or more QR codes.
 * Every size is capped before the step that could blow it up (part count and
 * size, compressed total, inflated size, credential count), parts must agree
 * (one message id, one count, each index once) and the whole must match its
 * id. The result is only decoded: verify it as any presentation
 * (`verifyPresentation` in @vneid/verifier).
 *
 * @example
 * const presentation = await decodePresentationQr({ parts: scanned, documentLoader })
 * @throws {VneidError} QR_MALFORMED, QR_PARTS_MIXED, QR_PART_DUPLICATE, QR_PART_MISSING, QR_DIGEST_MISMATCH,
 *   CONTEXT_NOT_ALLOWED (a context outside the loader); {InputLimitError} INPUT_LIMIT_EXCEEDED;
 *   {UnsafeJsonError} UNSAFE_JSON.
 */
export async function decodePresentationQr(options: DecodePresentationQrOptions): Promise<JsonObject> {
  const limits = { ...DEFAULT_QR_LIMITS, ...options.limits };
  const whole = reassembleParts('presentation', options.parts, limits);
  return decodeWhole(whole, options.documentLoader, limits);
}
