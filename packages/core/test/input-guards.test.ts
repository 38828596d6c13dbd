// Inputs whose signatures would not mean what they say.
import test from 'ava';
import {
  assertSafeJson,
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  type JsonLdContextDocument,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';

const URL = 'https://test.vneid.example/guards/v1';
const context: JsonLdContextDocument = {
  '@context': {
    '@protected': true,
    Card: 'https://test.vneid.example/vocab#Card',
    note: 'https://test.vneid.example/vocab#note',
  },
};
const documentLoader = createDocumentLoader({ contexts: new Map([[URL, context]]) });
const card = (issuer: string, note: string) => ({
  '@context': [CREDENTIALS_V2_CONTEXT_URL, URL],
  type: ['VerifiableCredential', 'Card'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { note },
});

for (const note of ['Trạm y tế _:c14n0', '_:b0', 'see <urn:bnid:b0>', 'urn:bnid:_:x']) {
  test(`ecdsa-sd-2023 refuses a value the library would relabel: ${JSON.stringify(note)}`, async (t) => {
    const key = await generateKeyPair({ keyType: 'P-256' });
    const error = await t.throwsAsync(
      signCredential({
        credential: card(key.controller, note),
        key,
        cryptosuite: 'ecdsa-sd-2023',
        documentLoader,
        mandatoryPointers: ['/issuer'],
      }),
    );
    t.is((error as { code?: string }).code, 'UNSAFE_JSON');
    t.is((error as { details?: { pointer?: string } }).details?.pointer, '/credentialSubject/note');
  });
}

test('a derived ecdsa-sd-2023 credential whose value was rewritten to a blank-node look-alike is refused', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-256' });
  const base = await signCredential({
    credential: card(key.controller, 'Trạm y tế xã'),
    key,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader,
    mandatoryPointers: ['/issuer'],
  });
  const derived = await deriveCredential({
    credential: base,
    selectivePointers: ['/credentialSubject/note'],
    documentLoader,
  });
  t.true((await verifyCredentialProof({ credential: derived, documentLoader })).verified);
  const forged = { ...derived, credentialSubject: { note: '_:giả-mạo' } };
  const result = await verifyCredentialProof({ credential: forged, documentLoader });
  t.false(result.verified);
  t.is(result.error?.code, 'UNSAFE_JSON');
  const error = await t.throwsAsync(
    deriveCredential({
      credential: { ...base, credentialSubject: { note: '_:x' } },
      selectivePointers: ['/credentialSubject/note'],
      documentLoader,
    }),
  );
  t.is((error as { code?: string }).code, 'UNSAFE_JSON');
});

test('the rdfc suites keep such values: their canonical form escapes nothing away', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const signed = await signCredential({
    credential: card(key.controller, 'Trạm y tế _:c14n0'),
    key,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader,
  });
  t.true((await verifyCredentialProof({ credential: signed, documentLoader })).verified);
  const forged = { ...signed, credentialSubject: { note: 'Trạm y tế _:giả-mạo' } };
  t.false((await verifyCredentialProof({ credential: forged, documentLoader })).verified);
});

for (const text of ['\ud800', 'a\udfffb', '\udc00\ud800']) {
  test(`a lone surrogate is refused before signing or verifying: ${JSON.stringify(text)}`, async (t) => {
    t.is((t.throws(() => assertSafeJson({ note: text })) as { code?: string } | undefined)?.code, 'UNSAFE_JSON');
    const key = await generateKeyPair({ keyType: 'Ed25519' });
    const error = await t.throwsAsync(
      signCredential({ credential: card(key.controller, text), key, cryptosuite: 'eddsa-rdfc-2022', documentLoader }),
    );
    t.is((error as { code?: string }).code, 'UNSAFE_JSON');
    const signed = await signCredential({
      credential: card(key.controller, 'x'),
      key,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader,
    });
    const result = await verifyCredentialProof({
      credential: { ...signed, credentialSubject: { note: text } },
      documentLoader,
    });
    t.false(result.verified);
    t.is(result.error?.code, 'UNSAFE_JSON');
  });
}

test('paired surrogates (emoji, astral letters) are ordinary text', (t) => {
  t.notThrows(() => assertSafeJson({ note: '😀 𠀀 Việt' }));
});
