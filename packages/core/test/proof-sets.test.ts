// Issue 12 §1 (general profile): a proof set is valid when EVERY proof in it
// verifies. Refused outright by default (the citizen-document profile);
// jsonld-signatures alone accepts a set when any proof verifies.
import test from 'ava';
import jsigs from 'jsonld-signatures';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';
import { createVerifyingSuites } from '../src/suites.js';

const documentLoader = createDocumentLoader();

async function twoProofs(): Promise<{ credential: JsonObject; proofs: JsonObject[]; keys: KeyPair[] }> {
  const issuer = await generateKeyPair({ keyType: 'Ed25519' });
  const notary = await generateKeyPair({ keyType: 'P-256' });
  const unsigned: JsonObject = {
    '@context': [CREDENTIALS_V2_CONTEXT_URL],
    type: ['VerifiableCredential'],
    issuer: issuer.controller,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:holder' },
  };
  const a = await signCredential({ credential: unsigned, key: issuer, cryptosuite: 'eddsa-rdfc-2022', documentLoader });
  const b = await signCredential({ credential: unsigned, key: notary, cryptosuite: 'ecdsa-rdfc-2019', documentLoader });
  return { credential: unsigned, proofs: [a.proof as JsonObject, b.proof as JsonObject], keys: [issuer, notary] };
}

const every = (credential: JsonObject, bindIssuer = false) =>
  verifyCredentialProof({ credential, documentLoader, proofSets: 'every', bindIssuer });

test('a proof set verifies under proofSets "every" when every proof verifies, and names each key', async (t) => {
  const { credential, proofs } = await twoProofs();
  const result = await every({ ...credential, proof: proofs });
  t.true(result.verified, result.error?.message);
  t.deepEqual(
    result.verificationMethods,
    proofs.map((p) => p.verificationMethod),
  );
});

test('a proof set with one broken proof is refused (the library alone accepts it when any proof verifies)', async (t) => {
  const { credential, proofs } = await twoProofs();
  const broken = { ...proofs[1], proofValue: proofs[0]?.proofValue };
  for (const set of [
    [proofs[0], broken],
    [broken, proofs[0]],
  ]) {
    const result = await every({ ...credential, proof: set });
    t.false(result.verified);
    t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
    t.regex(result.error?.message ?? '', /proof\[\d\]/);
  }
  const library = await jsigs.verify(
    { ...credential, proof: [proofs[0], broken] },
    { suite: createVerifyingSuites(), purpose: new jsigs.purposes.AssertionProofPurpose(), documentLoader },
  );
  t.true(library.verified, 'jsonld-signatures accepts the set on its good proof (the trap)');
  for (const fastPath of [true, false]) {
    const result = await verifyCredentialProof({
      credential: { ...credential, proof: [proofs[0], { ...proofs[0], proofValue: 'z1111' }] },
      documentLoader,
      proofSets: 'every',
      bindIssuer: false,
      fastPath,
    });
    t.false(result.verified, `fastPath ${fastPath}`);
  }
});

test('a proof set is refused by default (exactly one proof), and a one-proof set verifies under "every"', async (t) => {
  const { credential, proofs } = await twoProofs();
  const refused = await verifyCredentialProof({ credential: { ...credential, proof: proofs }, documentLoader });
  t.false(refused.verified);
  t.is(refused.error?.code, 'PROOF_VERIFICATION_ERROR');
  t.true((await every({ ...credential, proof: [proofs[0]] }, true)).verified);
});

test('with bindIssuer every proof of a set must be the issuer’s; proof chains and empty or huge sets are refused', async (t) => {
  const { credential, proofs } = await twoProofs();
  const foreign = await every({ ...credential, proof: proofs }, true);
  t.false(foreign.verified, 'the notary’s key is not controlled by the issuer');
  const chained = await every({ ...credential, proof: [proofs[0], { ...proofs[1], previousProof: 'urn:x' }] });
  t.false(chained.verified);
  t.regex(chained.error?.message ?? '', /previousProof/);
  t.false((await every({ ...credential, proof: [] })).verified);
  t.false((await every({ ...credential, proof: Array(9).fill(proofs[0]) })).verified);
  t.false((await every({ ...credential, proof: [proofs[0], 'z123'] })).verified);
});
