// Browser-safe: no `node:` import (see presentation-qr.ts).
import { UnsafeJsonError, VneidError } from '../errors.js';
import { assertSafeJson, findDuplicateKey } from '../safe-json.js';
import { frameParts, reassembleParts } from './frame.js';
import { deflate, inflateCapped } from './inflate.js';
import { DEFAULT_QR_LIMITS } from './limits.js';

/** A request (challenge, domain, requested fields, purpose) is small: one QR, 4 KiB inflated at most. */
const MAX_REQUEST_BYTES = 4096;

/**
 * Encodes a verifier's presentation request (the QueryByExample object with
 * its challenge and domain, and the relying party's id and purpose when it
 * has them) as the single QR the officer's device shows.
 *
 * @example
 * const [part] = encodeRequestQr({ query, challenge, domain })
 * @throws {VneidError} QR_TOO_LARGE when the request is larger than one QR.
 */
export function encodeRequestQr(request: object): Uint8Array[] {
  const json = new TextEncoder().encode(JSON.stringify(request));
  if (json.length > MAX_REQUEST_BYTES) {
    throw new VneidError('QR_TOO_LARGE', `a request QR holds at most ${MAX_REQUEST_BYTES} bytes of JSON`);
  }
  return frameParts('request', deflate(json), DEFAULT_QR_LIMITS.maxPartBytes - 12);
}

/**
 * Decodes a scanned request QR into the raw request object (hostile input:
 * hand it to `parsePresentationRequest` or `wallet.preview`).
 *
 * @throws {VneidError} QR_MALFORMED and the reassembly codes; {InputLimitError} INPUT_LIMIT_EXCEEDED;
 *   {UnsafeJsonError} UNSAFE_JSON (prototype keys, duplicate keys).
 */
export function decodeRequestQr(parts: readonly Uint8Array[]): Record<string, unknown> {
  const whole = reassembleParts('request', parts, { ...DEFAULT_QR_LIMITS, maxParts: 1 });
  const bytes = inflateCapped(whole, MAX_REQUEST_BYTES);
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    value = JSON.parse(text);
  } catch (cause) {
    throw new VneidError('QR_MALFORMED', 'the request QR is not UTF-8 JSON', { cause });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new VneidError('QR_MALFORMED', 'the request QR is not a JSON object');
  }
  assertSafeJson(value, { maxBytes: MAX_REQUEST_BYTES, maxDepth: 8 });
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw new UnsafeJsonError(`duplicate key "${duplicate.slice(0, 64)}"`);
  return value as Record<string, unknown>;
}
