const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * Every single-byte change of a multibase proofValue: each decoded byte XOR
 * 0x01, re-encoded in the same base, so that the mutation is a well-formed
 * value that differs in exactly one signature byte.
 */
export function* mutateEveryByte(proofValue: string): Generator<string> {
  const prefix = proofValue[0];
  const body = proofValue.slice(1);
  const bytes = prefix === 'z' ? decodeBase58(body) : Buffer.from(body, 'base64url');
  for (let i = 0; i < bytes.length; i++) {
    const copy = Uint8Array.from(bytes);
    copy[i] = (copy[i] ?? 0) ^ 0x01;
    yield prefix + (prefix === 'z' ? encodeBase58(copy) : Buffer.from(copy).toString('base64url'));
  }
}

function decodeBase58(s: string): Uint8Array {
  let n = 0n;
  for (const c of s) n = n * 58n + BigInt(BASE58.indexOf(c));
  const hex = n.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  const zeros = s.match(/^1*/)?.[0].length ?? 0;
  return Uint8Array.from([...new Array(zeros).fill(0), ...bytes]);
}

function encodeBase58(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

/** Decodes and re-encodes a base58btc multibase value (`z…`). */
export const base58btc = {
  decode: (value: string): Uint8Array => decodeBase58(value.slice(1)),
  encode: (bytes: Uint8Array): string => `z${encodeBase58(bytes)}`,
};
