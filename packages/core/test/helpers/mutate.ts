import { decodeBase58, encodeBase58 } from '../../src/index.js';

/**
 * Every single-byte change of a multibase proofValue: each decoded byte XOR
 * 0x01, re-encoded in the same base, so that the mutation is a well-formed
 * value that differs in exactly one signature byte.
 */
export function* mutateEveryByte(proofValue: string): Generator<string> {
  const prefix = proofValue[0];
  const bytes = prefix === 'z' ? base58btc.decode(proofValue) : Buffer.from(proofValue.slice(1), 'base64url');
  for (let i = 0; i < bytes.length; i++) {
    const copy = Uint8Array.from(bytes);
    copy[i] = (copy[i] ?? 0) ^ 0x01;
    yield prefix === 'z' ? base58btc.encode(copy) : `${prefix}${Buffer.from(copy).toString('base64url')}`;
  }
}

/** Decodes and re-encodes a base58btc multibase value (`z…`). */
export const base58btc = {
  decode(value: string): Uint8Array {
    const bytes = decodeBase58(value.slice(1));
    if (!bytes) throw new TypeError('not base58btc');
    return bytes;
  },
  encode: (bytes: Uint8Array): string => `z${encodeBase58(bytes)}`,
};
