import { p256, p384 } from '@noble/curves/nist.js';
import { decodeBase58 } from './lib/base58.js';

type JsonObject = Record<string, unknown>;

// The members Data Integrity defines for a proof (VC Data Integrity §2.1).
// The library ignores others — an extra `@context` included — so they would
// ride along unsigned in the form callers read.
const PROOF_MEMBERS = new Set([
  'id',
  'type',
  'cryptosuite',
  'verificationMethod',
  'proofPurpose',
  'proofValue',
  'created',
  'expires',
  'domain',
  'challenge',
  'nonce',
  'previousProof',
]);

// The one multibase encoding each suite defines for its proofValue.
const BASE58BTC = /^z[1-9A-HJ-NP-Za-km-z]+$/;
const BASE64URL_NO_PAD = /^u[A-Za-z0-9_-]+$/;

/**
 * Why a proof is not in the one canonical form its suite defines, or
 * `undefined`: a member the suite does not define, a proofValue in another
 * multibase encoding than the suite's, or an ecdsa-rdfc-2019 signature
 * whose S is high (the malleable twin of a low-S one). The citizen-document
 * profile refuses all three (TRAPS: proofValue encodings, ECDSA malleability).
 */
export function proofShapeProblem(proof: JsonObject): string | undefined {
  for (const key of Object.keys(proof)) {
    // eddsa-jcs-2022 defines and signs the proof's `@context` (a copy of the document's; vc-di-eddsa §3.3.1).
    if (key === '@context' && proof.cryptosuite === 'eddsa-jcs-2022') continue;
    if (!PROOF_MEMBERS.has(key)) return `the proof carries a member its suite does not define: ${key.slice(0, 60)}`;
  }
  const { cryptosuite, proofValue } = proof;
  if (typeof proofValue !== 'string') return 'the proof has no proofValue string';
  if (cryptosuite === 'ecdsa-sd-2023') {
    return BASE64URL_NO_PAD.test(proofValue) ? undefined : 'the proofValue is not base64url multibase (u…)';
  }
  if (cryptosuite === 'eddsa-rdfc-2022' || cryptosuite === 'ecdsa-rdfc-2019' || cryptosuite === 'eddsa-jcs-2022') {
    if (!BASE58BTC.test(proofValue)) return 'the proofValue is not base58btc multibase (z…)';
  }
  if (cryptosuite === 'ecdsa-rdfc-2019' && isHighS(decodeBase58(proofValue.slice(1)))) {
    return 'the ecdsa signature has a high S (only its low-S form is accepted)';
  }
  return undefined;
}

function isHighS(signature: Uint8Array | undefined): boolean {
  if (!signature) return false;
  const n = signature.length === 64 ? p256.Point.CURVE().n : signature.length === 96 ? p384.Point.CURVE().n : undefined;
  if (n === undefined) return false;
  const s = BigInt(`0x${Buffer.from(signature.subarray(signature.length / 2)).toString('hex')}`);
  return s > n >> 1n;
}
