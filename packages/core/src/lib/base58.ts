import * as base58 from 'base58-universal';

/** base58btc (Bitcoin alphabet) of `bytes`: multibase `z` values (keys, signatures). */
export function encodeBase58(bytes: Uint8Array): string {
  return base58.encode(bytes);
}

/** Decodes base58btc; `undefined` for a character outside the alphabet. Callers bound the length first. */
export function decodeBase58(text: string): Uint8Array | undefined {
  if (!/^[1-9A-HJ-NP-Za-km-z]*$/.test(text)) return undefined;
  try {
    return base58.decode(text);
  } catch {
    return undefined;
  }
}
