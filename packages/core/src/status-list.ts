import { gunzipSync } from 'node:zlib';
import { BitstringStatusList as LibraryStatusList } from '@digitalbazaar/vc-bitstring-status-list';
import { MalformedValueError, StatusListLengthError } from './errors.js';

/**
 * Herd privacy: lists shorter than 131,072 entries (16 KiB) reveal too much
 * about who is revoked (Bitstring Status List §6.1). We never create or
 * accept a shorter one.
 */
export const MIN_STATUS_LIST_LENGTH = 131_072;

/** Inflated-size cap for a decoded list: 16 Mi entries (2 MiB); a gzip bomb stops here. */
export const MAX_STATUS_LIST_BYTES = 2 * 1024 * 1024;

/**
 * A bitstring of statuses (the library's list object). Declared here rather
 * than re-exported: the library ships no type declarations, so a published
 * declaration naming its class would not type-check in a consumer project.
 */
export interface BitstringStatusList {
  readonly length: number;
  setStatus(index: number, status: boolean): void;
  getStatus(index: number): boolean;
  encode(): Promise<string>;
}

/** The status purposes we publish; each has its own list. */
export type StatusPurpose = 'revocation' | 'suspension';

/**
 * Creates an all-zero list.
 *
 * @throws {StatusListLengthError} STATUS_LIST_LENGTH_ERROR below the minimum or above the cap.
 */
export function createStatusList(length: number = MIN_STATUS_LIST_LENGTH): BitstringStatusList {
  if (
    !Number.isSafeInteger(length) ||
    length < MIN_STATUS_LIST_LENGTH ||
    length > MAX_STATUS_LIST_BYTES * 8 ||
    length % 8 !== 0
  ) {
    throw new StatusListLengthError(
      `status list length must be a multiple of 8 in [${MIN_STATUS_LIST_LENGTH}, ${MAX_STATUS_LIST_BYTES * 8}]`,
    );
  }
  return new LibraryStatusList({ length });
}

/** Multibase base64url (no padding) of the gzipped bits, as `encodedList` carries them. */
export async function encodeStatusList(list: BitstringStatusList): Promise<string> {
  return list.encode();
}

/**
 * Decodes an `encodedList` with the inflated size capped *while* inflating
 * (the library's own decoder inflates without a bound) and the herd-privacy
 * minimum enforced.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR for a value that is not multibase base64url gzip.
 * @throws {StatusListLengthError} STATUS_LIST_LENGTH_ERROR when too short or too large.
 */
export function decodeStatusList(
  encodedList: unknown,
  { minLength = MIN_STATUS_LIST_LENGTH, maxBytes = MAX_STATUS_LIST_BYTES } = {},
): BitstringStatusList {
  if (typeof encodedList !== 'string' || encodedList[0] !== 'u' || !/^u[A-Za-z0-9_-]+$/.test(encodedList)) {
    throw new MalformedValueError('encodedList must be multibase base64url (prefix "u")');
  }
  // base64url of a gzip of maxBytes cannot be longer than ~4/3 of maxBytes plus headers.
  if (encodedList.length > Math.ceil((maxBytes * 4) / 3) + 64) {
    throw new StatusListLengthError('encodedList is larger than any allowed list');
  }
  const gz = Buffer.from(encodedList.slice(1), 'base64url');
  let bits: Buffer;
  try {
    bits = gunzipSync(gz, { maxOutputLength: maxBytes });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new StatusListLengthError(`status list inflates past ${maxBytes} bytes`, { cause });
    }
    throw new MalformedValueError('encodedList is not a gzip stream', { cause });
  }
  if (bits.length * 8 < minLength) {
    throw new StatusListLengthError(`status list has ${bits.length * 8} entries, fewer than ${minLength}`, {
      details: { length: bits.length * 8, minLength },
    });
  }
  return new LibraryStatusList({ buffer: new Uint8Array(bits) });
}

const CANONICAL_INDEX = /^(0|[1-9][0-9]{0,9})$/;

/**
 * Parses a `statusListIndex` strictly: a canonical decimal integer (no sign,
 * spaces, leading zeros, fraction or trailing garbage — the library accepts
 * `"94567abc"`) within the list.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR
 */
export function parseStatusListIndex(value: unknown, length: number): number {
  if (typeof value !== 'string' || !CANONICAL_INDEX.test(value)) {
    throw new MalformedValueError('statusListIndex must be a canonical decimal integer string', {
      details: { statusListIndex: typeof value === 'string' ? value.slice(0, 20) : typeof value },
    });
  }
  const index = Number(value);
  if (index >= length) {
    throw new MalformedValueError(`statusListIndex ${index} is outside the list of ${length}`);
  }
  return index;
}
