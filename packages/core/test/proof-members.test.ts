// Issue 12 §3 (citizen-document profile, core part): members inside a proof
// the suite does not define, high-S ecdsa twins and alternative proofValue
// encodings are refused by default; a general caller may turn that off.
import { p256 } from '@noble/curves/nist.js';
import test from 'ava';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  generateKeyPair,
  type JsonObject,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';
import { decodeBase58, encodeBase58 } from '../src/lib/base58.js';

const documentLoader = createDocumentLoader();

async function signed(keyType: 'Ed25519' | 'P-256') {
  const key = await generateKeyPair({ keyType });
  return signCredential({
    credential: {
      '@context': [CREDENTIALS_V2_CONTEXT_URL],
      type: ['VerifiableCredential'],
      issuer: key.controller,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:holder' },
    },
    key,
    cryptosuite: keyType === 'Ed25519' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019',
    documentLoader,
  });
}

const withProof = (credential: JsonObject, proof: JsonObject) => ({ ...credential, proof });

test('an extra @context (or unknown member) inside a proof is refused, unless the caller opts out', async (t) => {
  const credential = await signed('Ed25519');
  const proof = credential.proof as JsonObject;
  t.true((await verifyCredentialProof({ credential, documentLoader })).verified, 'the genuine proof verifies');
  for (const extra of [{ '@context': CREDENTIALS_V2_CONTEXT_URL }, { note: 'x' }]) {
    const changed = withProof(credential, { ...proof, ...extra });
    const result = await verifyCredentialProof({ credential: changed, documentLoader });
    t.false(result.verified);
    t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
  }
  const loose = await verifyCredentialProof({
    credential: withProof(credential, { ...proof, '@context': CREDENTIALS_V2_CONTEXT_URL }),
    documentLoader,
    strictProof: false,
  });
  t.true(loose.verified, 'a general caller may accept what the library accepts');
});

test('a high-S twin of an ecdsa-rdfc-2019 signature is refused', async (t) => {
  const credential = await signed('P-256');
  const proof = credential.proof as JsonObject;
  const signature = decodeBase58((proof.proofValue as string).slice(1))!;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  const high = p256.Point.CURVE().n - s;
  const twin = new Uint8Array(64);
  twin.set(signature.subarray(0, 32));
  twin.set(Buffer.from(high.toString(16).padStart(64, '0'), 'hex'), 32);
  const changed = withProof(credential, { ...proof, proofValue: `z${encodeBase58(twin)}` });
  const result = await verifyCredentialProof({ credential: changed, documentLoader });
  t.false(result.verified);
  t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
  t.true((await verifyCredentialProof({ credential, documentLoader })).verified);
});

test('a proofValue in another multibase encoding (base64url for base58btc) is refused', async (t) => {
  const credential = await signed('Ed25519');
  const proof = credential.proof as JsonObject;
  const bytes = decodeBase58((proof.proofValue as string).slice(1))!;
  const changed = withProof(credential, { ...proof, proofValue: `u${Buffer.from(bytes).toString('base64url')}` });
  const result = await verifyCredentialProof({ credential: changed, documentLoader });
  t.false(result.verified);
  t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
});
