import {
  CREDENTIALS_V2_CONTEXT_URL,
  type CryptosuiteName,
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  mandatoryPointersFor,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import test from 'ava';
import {
  credentialSchemaFor,
  fixtures,
  getCredentialType,
  listCredentialTypes,
  registeredContexts,
  validateSubject,
} from '../src/index.js';

// Issue #2 "done when": each fixture signs and verifies with each suite through
// the shared core, and each kind of bad input fails with its own code.
const documentLoader = createDocumentLoader({ contexts: registeredContexts() });

function credentialOf(
  type: keyof typeof fixtures,
  issuer: string,
  subject: Record<string, unknown> = { ...fixtures[type] },
) {
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, getCredentialType(type).contextUrl],
    id: 'urn:uuid:0e6c8a3c-7d1f-4d55-9a53-2c6f3d1a9b10',
    type: ['VerifiableCredential', type],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2036-01-01T00:00:00Z',
    credentialSchema: credentialSchemaFor(type),
    credentialSubject: subject,
  };
}

const suites: Array<[CryptosuiteName, 'Ed25519' | 'P-256']> = [
  ['eddsa-rdfc-2022', 'Ed25519'],
  ['ecdsa-rdfc-2019', 'P-256'],
  ['ecdsa-sd-2023', 'P-256'],
];

for (const type of Object.keys(fixtures) as Array<keyof typeof fixtures>) {
  for (const [cryptosuite, keyType] of suites) {
    test(`${type} signs and verifies with ${cryptosuite}; a changed claim does not`, async (t) => {
      const key = await generateKeyPair({ keyType });
      const credential = credentialOf(type, key.controller);
      const signed = await signCredential({
        credential,
        key,
        cryptosuite,
        documentLoader,
        mandatoryPointers: mandatoryPointersFor(credential),
      });
      // Verifiers accept only derived ecdsa-sd-2023 proofs: derive a full disclosure first.
      const fields = Object.keys(fixtures[type]).map((f) => `/credentialSubject/${f}`);
      const presented =
        cryptosuite === 'ecdsa-sd-2023'
          ? await deriveCredential({ credential: signed, selectivePointers: fields, documentLoader })
          : signed;
      const ok = await verifyCredentialProof({ credential: presented, documentLoader });
      t.true(ok.verified, ok.error?.message);
      const subject = presented.credentialSubject as Record<string, unknown>;
      const tampered = { ...presented, credentialSubject: { ...subject, fullName: 'Kẻ Giả Mạo' } };
      const bad = await verifyCredentialProof({ credential: tampered, documentLoader });
      t.false(bad.verified);
      t.is(bad.error?.code, 'PROOF_VERIFICATION_ERROR');
    });
  }
}

test('a field without a term in the context fails signing with JSONLD_SAFE_MODE_ERROR', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = credentialOf('CitizenIdentityCard', key.controller, {
    ...fixtures.CitizenIdentityCard,
    bloodType: 'O',
  });
  const error = await t.throwsAsync(
    signCredential({ credential, key, cryptosuite: 'eddsa-rdfc-2022', documentLoader }),
  );
  t.is((error as { code?: string }).code, 'JSONLD_SAFE_MODE_ERROR');
});

test('an unknown context URL fails with CONTEXT_NOT_ALLOWED', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const credential = {
    ...credentialOf('CitizenIdentityCard', key.controller),
    '@context': [CREDENTIALS_V2_CONTEXT_URL, 'https://vneid.gov.vn.attacker.example/ctx'],
  };
  const error = await t.throwsAsync(
    signCredential({ credential, key, cryptosuite: 'eddsa-rdfc-2022', documentLoader }),
  );
  t.is((error as { code?: string }).code, 'CONTEXT_NOT_ALLOWED');
});

test('a bad ID number and a wrong century-and-sex digit each have their own code', (t) => {
  const bad = validateSubject('CitizenIdentityCard', {
    ...fixtures.CitizenIdentityCard,
    personalIdentificationNumber: '12345',
  });
  t.true(bad.errors.some((e) => e.pointer === '/personalIdentificationNumber' && e.code === 'PATTERN'));
  const pin = fixtures.CitizenIdentityCard.personalIdentificationNumber;
  const flipped = `${pin.slice(0, 3)}${pin[3] === '0' ? '1' : '0'}${pin.slice(4)}`;
  const wrongSex = validateSubject('CitizenIdentityCard', {
    ...fixtures.CitizenIdentityCard,
    personalIdentificationNumber: flipped,
  });
  t.true(
    wrongSex.errors.some((e) => e.pointer === '/personalIdentificationNumber' && e.code === 'PIN_CENTURY_SEX_MISMATCH'),
  );
});

test('every registered type has a context the loader serves', async (t) => {
  for (const def of listCredentialTypes()) {
    const { document } = await documentLoader(def.contextUrl);
    t.truthy(document['@context'], def.type);
  }
});
