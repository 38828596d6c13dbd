import { p384 } from '@noble/curves/nist.js';
import test from 'ava';
import {
  createDocumentLoader,
  decodeBase58,
  generateKeyPair,
  importKeyPair,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';
import { proofShapeProblem } from '../src/proof-shape.js';

const documentLoader = createDocumentLoader();
const credentialFor = (issuer: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer,
  credentialSubject: { id: 'did:example:s', name: 'Trần Thị Bình' },
});

test('P-384 keys sign ecdsa-rdfc-2019 (SHA-384), always low-S, and survive export and import', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-384' });
  t.regex(key.controller, /^did:key:z82/);
  const signer = key.signer();
  for (let i = 0; i < 32; i++) {
    const sig = await signer.sign({ data: new Uint8Array([i]) });
    t.false(p384.Signature.fromBytes(sig, 'compact').hasHighS());
  }
  const again = await importKeyPair(key.export({ includeSecret: true }));
  const signed = await signCredential({
    credential: credentialFor(key.controller),
    key: again,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader,
  });
  const proof = signed.proof as Record<string, unknown>;
  t.is(decodeBase58((proof.proofValue as string).slice(1))?.length, 96);
  t.is(proofShapeProblem(proof), undefined);
  t.true((await verifyCredentialProof({ credential: signed, documentLoader })).verified);
  const changed = { ...signed, credentialSubject: { id: 'did:example:s', name: 'Mallory' } };
  t.false((await verifyCredentialProof({ credential: changed, documentLoader })).verified);
});

test('a P-384 key cannot sign the suites that are P-256 or Ed25519 only', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-384' });
  for (const cryptosuite of ['ecdsa-sd-2023', 'eddsa-rdfc-2022', 'eddsa-jcs-2022'] as const) {
    const error = await t.throwsAsync(
      signCredential({
        credential: credentialFor(key.controller),
        key,
        cryptosuite,
        documentLoader,
        mandatoryPointers: [],
      }),
    );
    t.is((error as { code?: string }).code, 'INVALID_KEY', cryptosuite);
  }
});

test('eddsa-jcs-2022 signs and verifies; its signed proof @context is accepted, a changed one is not', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const signed = await signCredential({
    credential: credentialFor(key.controller),
    key,
    cryptosuite: 'eddsa-jcs-2022',
    documentLoader,
  });
  const proof = signed.proof as Record<string, unknown>;
  t.deepEqual(proof['@context'], ['https://www.w3.org/ns/credentials/v2']);
  t.is(proofShapeProblem(proof), undefined);
  t.true((await verifyCredentialProof({ credential: signed, documentLoader })).verified);
  const otherContext = {
    ...signed,
    proof: { ...proof, '@context': ['https://www.w3.org/ns/credentials/v2', { x: 'https://evil.example/x' }] },
  };
  t.false((await verifyCredentialProof({ credential: otherContext, documentLoader })).verified);
  // Another suite's proof still may not carry a @context.
  t.truthy(proofShapeProblem({ ...proof, cryptosuite: 'eddsa-rdfc-2022' }));
});
