import { p256 } from '@noble/curves/nist.js';
import test from 'ava';
import {
  type CryptosuiteName,
  createDocumentLoader,
  generateKeyPair,
  importKeyPair,
  type JsonLdContextDocument,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';

// A strict test context without @vocab, so that safe mode has something to refuse.
const TEST_CONTEXT_URL = 'https://test.vneid.example/strict/v1';
const strict: JsonLdContextDocument = {
  '@context': {
    '@protected': true,
    TestCard: 'https://test.vneid.example/vocab#TestCard',
    holderName: 'https://test.vneid.example/vocab#holderName',
  },
};
const documentLoader = createDocumentLoader({ contexts: new Map([[TEST_CONTEXT_URL, strict]]) });

function credentialFor(issuer: string, subject: Record<string, unknown> = { holderName: 'Trần Thị Bình' }) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', TEST_CONTEXT_URL],
    type: ['VerifiableCredential', 'TestCard'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: subject,
  };
}

const suites: Array<[CryptosuiteName, 'Ed25519' | 'P-256']> = [
  ['eddsa-rdfc-2022', 'Ed25519'],
  ['ecdsa-rdfc-2019', 'P-256'],
];

for (const [cryptosuite, keyType] of suites) {
  test(`${cryptosuite}: signs and verifies; a changed claim fails`, async (t) => {
    const key = await generateKeyPair({ keyType });
    const signed = await signCredential({
      credential: credentialFor(key.controller),
      key,
      cryptosuite,
      documentLoader,
    });
    t.true((await verifyCredentialProof({ credential: signed, documentLoader })).verified);
    const tampered = { ...signed, credentialSubject: { holderName: 'Kẻ Giả Mạo' } };
    t.is(
      (await verifyCredentialProof({ credential: tampered, documentLoader })).error?.code,
      'PROOF_VERIFICATION_ERROR',
    );
  });

  test(`${cryptosuite}: a proof by another key than the issuer's fails`, async (t) => {
    const key = await generateKeyPair({ keyType });
    const other = await generateKeyPair({ keyType });
    const signed = await signCredential({
      credential: credentialFor(other.controller),
      key,
      cryptosuite,
      documentLoader,
    });
    t.is((await verifyCredentialProof({ credential: signed, documentLoader })).error?.code, 'PROOF_VERIFICATION_ERROR');
  });
}

test('an undefined term fails signing with JSONLD_SAFE_MODE_ERROR instead of dropping out of the signature', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = credentialFor(key.controller, { holderName: 'A', favouriteColour: 'red' });
  const error = await t.throwsAsync(
    signCredential({ credential, key, cryptosuite: 'eddsa-rdfc-2022', documentLoader }),
  );
  t.is((error as { code?: string }).code, 'JSONLD_SAFE_MODE_ERROR');
});

test('a key of the wrong type for the suite is INVALID_KEY', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const error = await t.throwsAsync(
    signCredential({ credential: credentialFor(key.controller), key, cryptosuite: 'ecdsa-sd-2023', documentLoader }),
  );
  t.is((error as { code?: string }).code, 'INVALID_KEY');
});

test('P-256 signatures are always low-S (verifiable by @noble/curves and HSMs)', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-256' });
  const signer = key.signer();
  for (let i = 0; i < 64; i++) {
    const sig = await signer.sign({ data: new Uint8Array([i]) });
    t.false(p256.Signature.fromBytes(sig, 'compact').hasHighS());
  }
});

test('export without secret, import, and the public key still verifies', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const pub = key.export();
  t.is(pub.secretKeyMultibase, undefined);
  const full = key.export({ includeSecret: true });
  t.truthy(full.secretKeyMultibase);
  const again = await importKeyPair(full);
  const signed = await signCredential({
    credential: credentialFor(key.controller),
    key: again,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader,
  });
  t.true((await verifyCredentialProof({ credential: signed, documentLoader })).verified);
  const publicOnly = await importKeyPair(pub);
  t.is(t.throws(() => publicOnly.signer())?.name, 'InvalidKeyError');
  const error = await t.throwsAsync(importKeyPair({ ...pub, publicKeyMultibase: 'zNOPE' }));
  t.is((error as { code?: string }).code, 'INVALID_KEY');
});
