// Issue 12 §2 "Placeholder forgery in the fast path": a real value equal to a
// template placeholder must never let the fast path say yes where the
// library says no. The context has an `@vocab`-typed term beside `@vocab`,
// the case a pinned bundle context can bring.
import test from 'ava';
import { describeShape, slotToken } from '../src/fast/document-shape.js';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  generateKeyPair,
  type JsonLdContextDocument,
  verifyCredentialProof,
} from '../src/index.js';
import { canonizeWithLibrary, signCredentialWithLibrary, verifyCredentialProofWithLibrary } from '../src/testing.js';

const VOCAB = 'https://test.vneid.example/forgery/v1';
const vocabContext: JsonLdContextDocument = {
  '@context': {
    '@protected': true,
    '@vocab': 'https://test.vneid.example/vocab#',
    Card: 'https://test.vneid.example/vocab#Card',
    Thing: 'https://test.vneid.example/vocab#Thing',
    kind: { '@id': 'https://test.vneid.example/vocab#kind', '@type': '@vocab' },
    link: { '@id': 'https://test.vneid.example/vocab#link', '@type': '@id' },
  },
};

function newLoader() {
  return createDocumentLoader({ contexts: new Map([[VOCAB, vocabContext]]) });
}

function card(issuer: string, subject: Record<string, unknown>) {
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, VOCAB],
    type: ['VerifiableCredential', 'Card'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: subject,
  };
}

// The slot number of `link` in the subject: the token an attacker would aim at.
function linkToken(document: Record<string, unknown>): string {
  const slots = describeShape(document).slots;
  const index = slots.findIndex((slot) => slot.value === (document.credentialSubject as { link: string }).link);
  return slotToken(index);
}

test('a value equal to another slot’s placeholder cannot change the canonical form', async (t) => {
  const documentLoader = newLoader();
  const warm = card('did:example:issuer', { kind: 'Thing', link: 'https://a.example/1' });
  const token = linkToken(warm);
  const documents = [
    warm,
    card('did:example:issuer', { kind: 'Thing', link: 'https://a.example/2' }),
    card('did:example:issuer', { kind: token, link: 'https://Thing' }),
    card('did:example:issuer', { kind: token, link: 'https://other.example/x' }),
  ];
  for (let round = 0; round < 3; round++) {
    for (const document of documents) {
      t.is(await canonize(document, { documentLoader }), await canonizeWithLibrary(document, { documentLoader }));
    }
  }
});

test('a credential changed to carry a placeholder is refused by the fast verifier as by the library', async (t) => {
  const documentLoader = newLoader();
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const now = new Date('2026-03-01T08:00:00Z');
  const original = card(key.controller, { kind: 'Thing', link: 'https://Thing' });
  const signed = await signCredentialWithLibrary({
    credential: original,
    key,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader,
    now,
  });
  // Warm the shape (two sightings compile it) with honest credentials.
  for (const link of ['https://a.example/1', 'https://a.example/2', 'https://a.example/3']) {
    const other = await signCredentialWithLibrary({
      credential: card(key.controller, { kind: 'Thing', link }),
      key,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader,
      now,
    });
    t.true((await verifyCredentialProof({ credential: other, documentLoader })).verified);
  }
  const token = linkToken(signed);
  const forged = { ...signed, credentialSubject: { kind: token, link: 'https://Thing' } };
  const library = await verifyCredentialProofWithLibrary({ credential: forged, documentLoader });
  t.false(library.verified, 'the library refuses the changed credential');
  for (let i = 0; i < 3; i++) {
    const fast = await verifyCredentialProof({ credential: forged, documentLoader });
    t.false(fast.verified, 'so does verifyCredentialProof');
    t.is(fast.error?.code, library.error?.code);
  }
  t.true((await verifyCredentialProof({ credential: signed, documentLoader })).verified, 'the genuine one verifies');
});
