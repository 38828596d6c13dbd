// The irreducible cost of each proof: one node:crypto signature or
// verification of 32 bytes with a KeyObject created once, as any signer
// would hold it. Every figure is also reported as a multiple of these.
import { generateKeyPairSync, sign, verify } from 'node:crypto';

const message = Buffer.alloc(32, 7);
const ed = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p1363 = { dsaEncoding: 'ieee-p1363' } as const;
const edSignature = sign(null, message, ed.privateKey);
const p256Signature = sign('sha256', message, { key: p256.privateKey, ...p1363 });

/** Raw primitives by name, each a synchronous function doing one operation. */
export const RAW = {
  'Ed25519 sign': () => {
    sign(null, message, ed.privateKey);
  },
  'Ed25519 verify': () => {
    if (!verify(null, message, ed.publicKey, edSignature)) throw new Error('raw Ed25519 verify failed');
  },
  'P-256 sign': () => {
    sign('sha256', message, { key: p256.privateKey, ...p1363 });
  },
  'P-256 verify': () => {
    if (!verify('sha256', message, { key: p256.publicKey, ...p1363 }, p256Signature)) {
      throw new Error('raw P-256 verify failed');
    }
  },
} as const;

export type RawName = keyof typeof RAW;
