// gunzipSync for the browser (fflate), with node's `maxOutputLength` cap and
// its ERR_BUFFER_TOO_LARGE code: a status list's gzip bomb stops here too.
import { Gunzip } from 'fflate';
import { Buffer } from './buffer.js';

export function gunzipSync(input: Uint8Array, options: { maxOutputLength?: number } = {}): Buffer {
  const max = options.maxOutputLength ?? Number.MAX_SAFE_INTEGER;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const stream = new Gunzip((chunk, final) => {
    total += chunk.length;
    if (total > max) {
      throw Object.assign(new RangeError(`output larger than ${max} bytes`), { code: 'ERR_BUFFER_TOO_LARGE' });
    }
    chunks.push(chunk);
    if (final) ended = true;
  });
  // Fed in small slices: inflate's output per slice is bounded (deflate
  // expands at most ~1032:1), so a bomb is stopped near the cap, not after it.
  const SLICE = 512;
  for (let at = 0; at < input.length; at += SLICE) {
    stream.push(input.subarray(at, at + SLICE), at + SLICE >= input.length);
  }
  if (input.length === 0) stream.push(input, true);
  if (!ended) throw Object.assign(new Error('unexpected end of file'), { code: 'Z_BUF_ERROR' });
  return Buffer.concat(chunks);
}
