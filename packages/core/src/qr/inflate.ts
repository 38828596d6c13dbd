import { deflateSync, Inflate } from 'fflate';
import { InputLimitError, VneidError } from '../errors.js';

/** Raw DEFLATE at the strongest level (fflate: pure JavaScript, runs in browsers). */
export function deflate(bytes: Uint8Array): Uint8Array {
  return deflateSync(bytes, { level: 9, mem: 8 });
}

/**
 * Inflates with a hard cap on the output: the stream is fed in small slices
 * and stopped as soon as the output passes `maxBytes`, so a deflate bomb
 * costs at most one slice beyond the cap.
 *
 * @throws {InputLimitError} INPUT_LIMIT_EXCEEDED; {VneidError} QR_MALFORMED for a broken stream.
 */
export function inflateCapped(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let over = false;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > maxBytes) over = true;
    else chunks.push(chunk.slice());
    if (final) ended = true;
  });
  const SLICE = 256;
  try {
    for (let offset = 0; offset < bytes.length && !over; offset += SLICE) {
      const end = Math.min(bytes.length, offset + SLICE);
      inflater.push(bytes.subarray(offset, end), end === bytes.length);
    }
  } catch (cause) {
    throw new VneidError('QR_MALFORMED', 'the QR payload is not a valid DEFLATE stream', { cause });
  }
  if (over) {
    throw new InputLimitError(`the QR payload inflates past ${maxBytes} bytes`, {
      details: { limit: 'maxInflatedBytes' },
    });
  }
  if (!ended) throw new VneidError('QR_MALFORMED', 'the QR payload ends inside its DEFLATE stream');
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
