// A scanned or pasted payload that is not a part of the offline QR
// transport (those go to qr-sequence.ts, @vneid/core's codec) becomes a
// presentation here. Three plain encodings are accepted: JSON text, gzip
// bytes (a QR in byte mode) and base45 text of gzip (a QR in alphanumeric
// mode). Sizes are capped before any decoding; the JSON goes through core's
// safe parser (prototype keys, duplicates, depth).
import { InputLimitError, MalformedValueError, parseJsonSafely } from '@vneid/core';
import { gunzipSync } from '../shims/node-zlib.js';

/** Larger than any presentation a QR sequence can carry, small enough to parse at once. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

function gunzipCapped(bytes: Uint8Array): Uint8Array {
  // The gzip trailer's ISIZE is checked first; the inflated size is checked again after.
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new InputLimitError('payload larger than allowed');
  const n = bytes.length;
  const declared =
    n >= 4 ? (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0 : 0;
  if (declared > MAX_PAYLOAD_BYTES) throw new InputLimitError('payload inflates past the limit');
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes, { maxOutputLength: MAX_PAYLOAD_BYTES });
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InputLimitError('payload inflates past the limit', { cause });
    }
    throw new MalformedValueError('payload is not a gzip stream', { cause });
  }
  if (out.length !== declared) throw new MalformedValueError('gzip size does not match its trailer');
  return out;
}

function base45Decode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const chunk = text.slice(i, i + 3);
    const digits = [...chunk].map((c) => BASE45.indexOf(c));
    if (digits.some((d) => d < 0) || chunk.length === 1) throw new MalformedValueError('not base45');
    const value = digits[0]! + digits[1]! * 45 + (digits[2] ?? 0) * 2025;
    if (chunk.length === 3) {
      if (value > 0xffff) throw new MalformedValueError('not base45');
      out.push(value >> 8, value & 0xff);
    } else {
      if (value > 0xff) throw new MalformedValueError('not base45');
      out.push(value);
    }
  }
  return Uint8Array.from(out);
}

/** A part of the shared multi-QR transport: `V`, kind 1 or 2, 8-byte message id, index < count. */
export function isQrFrame(bytes: Uint8Array): boolean {
  return bytes.length > 12 && bytes[0] === 0x56 && (bytes[1] === 1 || bytes[1] === 2) && bytes[10]! < bytes[11]!;
}

/**
 * A presentation from a QR payload (text, or the raw bytes of a byte-mode
 * QR) or pasted text.
 *
 * @throws {VneidError} INPUT_LIMIT_EXCEEDED, MALFORMED_VALUE_ERROR, UNSAFE_JSON.
 */
export function decodePayload(payload: string | Uint8Array): unknown {
  let text: string;
  if (payload instanceof Uint8Array) {
    if (payload.length > MAX_PAYLOAD_BYTES) throw new InputLimitError('payload larger than allowed');
    if (isQrFrame(payload)) {
      // Parts are collected and decoded by a PresentationSequence (qr-sequence.ts), never here.
      throw new MalformedValueError('a part of the offline QR transport (CBOR-LD): read it through a QR sequence');
    }
    const gz = payload[0] === 0x1f && payload[1] === 0x8b;
    text = new TextDecoder('utf-8', { fatal: true }).decode(gz ? gunzipCapped(payload) : payload);
  } else {
    text = payload.trim();
    if (text.length > MAX_PAYLOAD_BYTES) throw new InputLimitError('payload larger than allowed');
    if (!text.startsWith('{') && /^[0-9A-Z $%*+\-./:]+$/.test(text)) {
      text = new TextDecoder('utf-8', { fatal: true }).decode(gunzipCapped(base45Decode(text)));
    }
  }
  return parseJsonSafely(text, { maxBytes: MAX_PAYLOAD_BYTES });
}
