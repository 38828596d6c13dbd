import { sha256 } from '@noble/hashes/sha2.js';
import { InputLimitError, VneidError } from '../errors.js';
import { DEFAULT_PART_CAPACITY, type QrLimits } from './limits.js';

/**
 * One QR part: `V` (0x56), the kind, an 8-byte message id (the first bytes of
 * the SHA-256 of the whole message, so mixed or corrupted parts are caught
 * before anything is decoded), the index (from 0), the count, then the chunk.
 */
const MAGIC = 0x56;
const HEADER = 12;

/** What a message carries: a holder's presentation or a verifier's request (challenge). */
export const QR_KIND = { presentation: 0x01, request: 0x02 } as const;
export type QrKind = keyof typeof QR_KIND;

function messageId(whole: Uint8Array): Uint8Array {
  return sha256(whole).subarray(0, 8);
}

/** Splits a message into parts of at most `capacity` payload bytes, evenly. */
export function frameParts(kind: QrKind, whole: Uint8Array, capacity = DEFAULT_PART_CAPACITY): Uint8Array[] {
  if (!Number.isInteger(capacity) || capacity < 16) throw new TypeError('partCapacity must be an integer ≥ 16');
  const count = Math.max(1, Math.ceil(whole.length / capacity));
  if (count > 255) throw new VneidError('QR_TOO_LARGE', `the message needs ${count} QR parts`, { details: { count } });
  const size = Math.ceil(whole.length / count);
  const id = messageId(whole);
  const parts: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = whole.subarray(index * size, Math.min(whole.length, (index + 1) * size));
    const part = new Uint8Array(HEADER + chunk.length);
    part[0] = MAGIC;
    part[1] = QR_KIND[kind];
    part.set(id, 2);
    part[10] = index;
    part[11] = count;
    part.set(chunk, HEADER);
    parts.push(part);
  }
  return parts;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a part's header says (nothing of its payload is decoded). */
export interface QrPartHeader {
  /** Hex of the 8-byte message id (the start of the whole message's SHA-256). */
  messageId: string;
  /** From 0. */
  index: number;
  count: number;
  /** The chunk this part carries. */
  chunk: Uint8Array;
}

/**
 * Reads and checks one part's header against the limits and the expected
 * kind. Shared by {@link reassembleParts} and the part collector, so a
 * scanner refuses a bad part as it is scanned, with the same codes.
 *
 * @throws {VneidError} QR_MALFORMED; {InputLimitError} INPUT_LIMIT_EXCEEDED.
 */
export function readPartHeader(kind: QrKind, part: Uint8Array, limits: QrLimits): QrPartHeader {
  if (!(part instanceof Uint8Array)) throw new VneidError('QR_MALFORMED', 'a QR part is not bytes');
  if (part.length > limits.maxPartBytes) {
    throw new InputLimitError(`a QR part is larger than ${limits.maxPartBytes} bytes`, {
      details: { limit: 'maxPartBytes' },
    });
  }
  if (part.length < HEADER || part[0] !== MAGIC) throw new VneidError('QR_MALFORMED', 'not a VNeID QR part');
  if (part[1] !== QR_KIND[kind]) {
    throw new VneidError('QR_MALFORMED', `the QR does not carry a ${kind}`, { details: { kind: part[1] } });
  }
  const index = part[10]!;
  const count = part[11]!;
  if (count === 0 || index >= count) throw new VneidError('QR_MALFORMED', 'QR part index out of range');
  if (count > limits.maxParts) {
    throw new InputLimitError(`a message of more than ${limits.maxParts} QR parts`, {
      details: { limit: 'maxParts' },
    });
  }
  return { messageId: hex(part.subarray(2, 10)), index, count, chunk: part.subarray(HEADER) };
}

/**
 * Checks every part's header against the limits and the others (same kind,
 * message id and count; each index once), reassembles in index order and
 * checks the message id against the whole. Nothing is decoded here.
 *
 * @throws {VneidError} QR_MALFORMED, QR_PARTS_MIXED, QR_PART_DUPLICATE, QR_PART_MISSING, QR_DIGEST_MISMATCH;
 *   {InputLimitError} INPUT_LIMIT_EXCEEDED.
 */
export function reassembleParts(kind: QrKind, parts: readonly Uint8Array[], limits: QrLimits): Uint8Array {
  if (!Array.isArray(parts) || parts.length === 0) throw new VneidError('QR_MALFORMED', 'no QR part given');
  if (parts.length > limits.maxParts) {
    throw new InputLimitError(`more than ${limits.maxParts} QR parts`, { details: { limit: 'maxParts' } });
  }
  let id: string | undefined;
  let count = 0;
  let total = 0;
  const byIndex = new Map<number, Uint8Array>();
  for (const part of parts) {
    const { messageId: partId, index, count: partCount, chunk } = readPartHeader(kind, part, limits);
    if (id === undefined) {
      id = partId;
      count = partCount;
    } else if (partId !== id || partCount !== count) {
      throw new VneidError('QR_PARTS_MIXED', 'the QR parts belong to different messages', {
        details: { index },
      });
    }
    if (byIndex.has(index)) {
      throw new VneidError('QR_PART_DUPLICATE', `QR part ${index + 1} of ${count} was given twice`, {
        details: { index },
      });
    }
    total += chunk.length;
    if (total > limits.maxCompressedBytes) {
      throw new InputLimitError(`QR message larger than ${limits.maxCompressedBytes} bytes`, {
        details: { limit: 'maxCompressedBytes' },
      });
    }
    byIndex.set(index, chunk);
  }
  if (byIndex.size !== count) {
    const missing = [...Array(count).keys()].filter((i) => !byIndex.has(i));
    throw new VneidError('QR_PART_MISSING', `${missing.length} of ${count} QR parts are missing`, {
      details: { missing },
    });
  }
  const whole = new Uint8Array(total);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const chunk = byIndex.get(i)!;
    whole.set(chunk, offset);
    offset += chunk.length;
  }
  if (hex(messageId(whole)) !== id) {
    throw new VneidError('QR_DIGEST_MISMATCH', 'the reassembled QR message does not match its id');
  }
  return whole;
}
