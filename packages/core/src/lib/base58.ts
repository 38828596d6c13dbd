const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
// 58^9 < 2^53: nine base58 digits per BigInt step, each chunk exact as a
// Number (base58-universal's generic base-N loop costs ~15 µs for a 64-byte
// signature, a quarter of the Ed25519 signature itself). Tested against it.
const DIGITS_PER_CHUNK = 9;
const CHUNK = 58n ** 9n;

/** base58btc (Bitcoin alphabet) of `bytes`: multibase `z` values (keys, signatures). */
export function encodeBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  if (zeros === bytes.length) return '1'.repeat(zeros);
  let n = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
  const chunks: number[] = [];
  while (n > 0n) {
    chunks.push(Number(n % CHUNK));
    n /= CHUNK;
  }
  let out = '';
  for (let i = 0; i < chunks.length; i++) {
    let chunk = chunks[i]!;
    const last = i === chunks.length - 1;
    for (let d = 0; d < DIGITS_PER_CHUNK && (!last || chunk > 0); d++) {
      out = ALPHABET[chunk % 58]! + out;
      chunk = Math.floor(chunk / 58);
    }
  }
  return '1'.repeat(zeros) + out;
}

const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Decodes base58btc; `undefined` for a character outside the alphabet. Callers bound the length first. */
export function decodeBase58(text: string): Uint8Array | undefined {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  let n = 0n;
  // Leading digits first, so that the rest goes in whole 9-digit chunks.
  let i = zeros;
  const head = (text.length - zeros) % DIGITS_PER_CHUNK;
  for (let end = i + (head || DIGITS_PER_CHUNK); i < text.length; end = i + DIGITS_PER_CHUNK) {
    let chunk = 0;
    let scale = 1;
    for (; i < end; i++) {
      const digit = INDEX.get(text[i]!);
      if (digit === undefined) return undefined;
      chunk = chunk * 58 + digit;
      scale *= 58;
    }
    n = n * BigInt(scale) + BigInt(chunk);
  }
  const hex = n === 0n ? '' : n.toString(16);
  const body = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const out = new Uint8Array(zeros + body.length);
  out.set(body, zeros);
  return out;
}
