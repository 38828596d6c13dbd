// Browser-safe: no `node:` import (see presentation-qr.ts).
import { InputLimitError, VneidError } from '../errors.js';
import { type QrKind, readPartHeader } from './frame.js';
import { DEFAULT_QR_LIMITS, type QrLimits } from './limits.js';

/** Options of {@link createQrPartCollector}. */
export interface QrPartCollectorOptions {
  /** What the parts must carry: a holder's presentation or a verifier's request. */
  kind: QrKind;
  limits?: Partial<QrLimits>;
  /**
   * A camera sees the same QR in many frames: the very same bytes of a part
   * already held are then ignored (`repeated: true`) instead of refused as
   * QR_PART_DUPLICATE. Off by default (a part given twice by hand is a mistake).
   */
  ignoreRepeats?: boolean;
}

/** Where a sequence of scanned parts stands after one more part. */
export interface QrPartProgress {
  /** Parts held, each index once. */
  received: number;
  /** Parts the message has. */
  count: number;
  /** Indexes (from 0) still to scan. */
  missing: number[];
  /** The part was the same bytes as one already held (only with `ignoreRepeats`). */
  repeated: boolean;
  /** Every part is held: hand `parts` to `decodePresentationQr` / `decodeRequestQr`. */
  complete: boolean;
  /** The held parts in index order (complete or not). */
  parts: Uint8Array[];
}

/** Collects the parts of one QR message as they are scanned; see {@link createQrPartCollector}. */
export interface QrPartCollector {
  /**
   * Adds one scanned part. A part that cannot belong is refused at once and
   * leaves the collector as it was.
   *
   * @throws {VneidError} QR_MALFORMED, QR_PARTS_MIXED, QR_PART_DUPLICATE; {InputLimitError} INPUT_LIMIT_EXCEEDED.
   */
  add(part: Uint8Array): QrPartProgress;
  /** Forgets every held part (a new sequence starts). */
  reset(): void;
  /** Parts held so far. */
  readonly received: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Collects a multi-QR message part by part, as a scanner reads it: each part's
 * header is checked when it arrives (kind, limits, one message id and count,
 * each index once), so a part of another presentation or a repeated index is
 * refused with its code while the holder is still there, and the progress
 * ("part k of n") can be shown. The whole is checked against its id only when
 * decoded: `decodePresentationQr` reassembles again and answers
 * QR_DIGEST_MISMATCH for a corrupted part.
 *
 * @example
 * const collector = createQrPartCollector({ kind: 'presentation', ignoreRepeats: true })
 * const progress = collector.add(scannedBytes) // { received: 1, count: 2, complete: false, … }
 * if (progress.complete) await decodePresentationQr({ parts: progress.parts, documentLoader })
 * @throws {VneidError} QR_MALFORMED, QR_PARTS_MIXED, QR_PART_DUPLICATE (from `add`);
 *   {InputLimitError} INPUT_LIMIT_EXCEEDED.
 */
export function createQrPartCollector(options: QrPartCollectorOptions): QrPartCollector {
  const limits: QrLimits = { ...DEFAULT_QR_LIMITS, ...options.limits };
  const held = new Map<number, Uint8Array>();
  let id: string | undefined;
  let count = 0;
  let total = 0;

  const progress = (repeated: boolean): QrPartProgress => {
    const indexes = [...Array(count).keys()];
    return {
      received: held.size,
      count,
      missing: indexes.filter((i) => !held.has(i)),
      repeated,
      complete: held.size === count,
      parts: indexes.filter((i) => held.has(i)).map((i) => held.get(i)!),
    };
  };

  return {
    add(part) {
      const header = readPartHeader(options.kind, part, limits);
      if (id !== undefined && (header.messageId !== id || header.count !== count)) {
        throw new VneidError('QR_PARTS_MIXED', 'this QR part belongs to another message', {
          details: { index: header.index, count: header.count },
        });
      }
      const before = held.get(header.index);
      if (before !== undefined) {
        if (options.ignoreRepeats && sameBytes(before, part)) return progress(true);
        throw new VneidError('QR_PART_DUPLICATE', `QR part ${header.index + 1} of ${header.count} was given twice`, {
          details: { index: header.index },
        });
      }
      if (total + header.chunk.length > limits.maxCompressedBytes) {
        throw new InputLimitError(`QR message larger than ${limits.maxCompressedBytes} bytes`, {
          details: { limit: 'maxCompressedBytes' },
        });
      }
      id = header.messageId;
      count = header.count;
      total += header.chunk.length;
      // A copy: the caller may reuse its buffer (a camera frame reader does).
      held.set(header.index, part.slice());
      return progress(false);
    },
    reset() {
      held.clear();
      id = undefined;
      count = 0;
      total = 0;
    },
    get received() {
      return held.size;
    },
  };
}
