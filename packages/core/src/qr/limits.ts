/** Caps a QR decoder applies before any decoding work: every size is bounded first. */
export interface QrLimits {
  /** Parts in one message. */
  maxParts: number;
  /** Bytes of one scanned part (a version-40 QR holds at most 2,953 bytes). */
  maxPartBytes: number;
  /** Bytes of the reassembled, still compressed message. */
  maxCompressedBytes: number;
  /** Bytes after inflation: a tiny deflate stream can claim megabytes. */
  maxInflatedBytes: number;
  /** Credentials in one presentation. */
  maxCredentials: number;
}

export const DEFAULT_QR_LIMITS: Readonly<QrLimits> = Object.freeze({
  maxParts: 16,
  maxPartBytes: 2953,
  maxCompressedBytes: 16 * 1024,
  maxInflatedBytes: 64 * 1024,
  maxCredentials: 8,
});

/**
 * Bytes of payload per part when the encoder splits: a part of this size plus
 * its 12-byte header fits one QR of version 25 at error correction M (997
 * bytes in byte mode), the largest that phone cameras read reliably at arm's length.
 */
export const DEFAULT_PART_CAPACITY = 997 - 12;
