import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import test from 'ava';
import jsonld from 'jsonld';
import {
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  signCredential,
  signPresentation,
  verifyCredentialProof,
  verifyPresentationProof,
} from '../src/index.js';
import { readVectorJson, VECTOR_CONTEXTS } from './helpers/vectors.js';

const documentLoader = createDocumentLoader({ contexts: VECTOR_CONTEXTS });

test('the network guard itself works: fetch and sockets throw and are recorded', async (t) => {
  const before = networkAttempts.length;
  t.throws(() => fetch('http://127.0.0.1:1/'));
  t.is(networkAttempts.length, before + 1);
  networkAttempts.length = before;
});

test('sign, derive, present and verify run with every network API throwing', async (t) => {
  const issuerKey = await generateKeyPair({ keyType: 'P-256' });
  const holderKey = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = {
    ...readVectorJson('vc-di-eddsa/TestVectors/unsigned.json'),
    issuer: issuerKey.controller,
    credentialSubject: { id: holderKey.controller, alumniOf: 'Đại học Quốc gia Hà Nội' },
  };
  const signed = await signCredential({
    credential,
    key: issuerKey,
    cryptosuite: 'ecdsa-sd-2023',
    mandatoryPointers: ['/issuer'],
    documentLoader,
  });
  const derived = await deriveCredential({
    credential: signed,
    selectivePointers: ['/credentialSubject/alumniOf'],
    documentLoader,
  });
  t.true((await verifyCredentialProof({ credential: derived, documentLoader })).verified);
  const vp = await signPresentation({
    verifiableCredential: [derived],
    holderKey,
    challenge: 'n-1',
    domain: 'bank.example',
    documentLoader,
  });
  t.true(
    (await verifyPresentationProof({ presentation: vp, challenge: 'n-1', domain: 'bank.example', documentLoader }))
      .verified,
  );
  t.deepEqual(networkAttempts, []);
});

test('an unknown context is refused by the loader with CONTEXT_NOT_ALLOWED before any fetch', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = {
    ...readVectorJson('vc-di-eddsa/TestVectors/unsigned.json'),
    '@context': ['https://www.w3.org/ns/credentials/v2', 'https://attacker.example/context.jsonld'],
    issuer: key.controller,
  };
  const error = await t.throwsAsync(
    signCredential({ credential, key, cryptosuite: 'eddsa-rdfc-2022', documentLoader }),
  );
  t.is((error as { code?: string }).code, 'CONTEXT_NOT_ALLOWED');
  t.deepEqual(networkAttempts, []);
});

test('jsonld with our loader never reaches the network for a remote context', async (t) => {
  const error = await t.throwsAsync(
    jsonld.expand({ '@context': 'http://example.org/ctx', a: 1 }, { documentLoader, safe: true }),
  );
  t.truthy(error);
  t.deepEqual(networkAttempts, []);
});
