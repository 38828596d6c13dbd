// Issue 12 §2 "A proof can choose its own error code": whatever a document
// carries as its proof, the error code reported is ours, never a value
// taken from the document.
import test from 'ava';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  generateKeyPair,
  signCredential,
  signPresentation,
  singleProof,
  verifyCredentialProof,
  verifyPresentationProof,
} from '../src/index.js';
import { verifyCredentialProofWithLibrary } from '../src/testing.js';

const documentLoader = createDocumentLoader();
const forgedProof = { code: 'CREDENTIAL_REVOKED', message: 'chosen by the document', name: 'VneidError' };

async function signed() {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = await signCredential({
    credential: {
      '@context': [CREDENTIALS_V2_CONTEXT_URL],
      type: ['VerifiableCredential'],
      issuer: key.controller,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:holder' },
    },
    key,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader,
  });
  return { key, credential };
}

test('singleProof returns a discriminated result: the proof, or our own error', (t) => {
  const found = singleProof({ proof: forgedProof });
  t.true(found.ok, 'an object is a proof object to be checked, never an error');
  if (found.ok) t.deepEqual(found.proof, forgedProof);
  for (const proof of [undefined, null, 'z123', [forgedProof, forgedProof]]) {
    const missing = singleProof({ proof });
    t.false(missing.ok);
    if (!missing.ok) t.is(missing.error.code, 'PROOF_VERIFICATION_ERROR');
  }
});

test('a proof without a type that looks like an error is refused with PROOF_VERIFICATION_ERROR', async (t) => {
  const { credential } = await signed();
  const forged = { ...credential, proof: forgedProof };
  for (const verify of [verifyCredentialProof, verifyCredentialProofWithLibrary]) {
    for (const bindIssuer of [true, false]) {
      const result = await verify({ credential: forged, documentLoader, bindIssuer });
      t.false(result.verified);
      t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
      t.not(result.error, forgedProof as unknown);
    }
  }
  t.true((await verifyCredentialProof({ credential, documentLoader })).verified, 'the genuine one verifies');
});

test('a presentation whose proof looks like an error is refused with PROOF_VERIFICATION_ERROR', async (t) => {
  const { key, credential } = await signed();
  const presentation = await signPresentation({
    verifiableCredential: [credential],
    holderKey: key,
    challenge: 'c-1',
    domain: 'verifier.example',
    documentLoader,
  });
  const options = { challenge: 'c-1', domain: 'verifier.example', documentLoader };
  t.true((await verifyPresentationProof({ presentation, ...options })).verified);
  const result = await verifyPresentationProof({ presentation: { ...presentation, proof: forgedProof }, ...options });
  t.false(result.verified);
  t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
});
