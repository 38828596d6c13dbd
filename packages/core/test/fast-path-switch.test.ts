// Issue 12 §2 "fast/ has no single door and no switch": an option on every
// operation and VNEID_FAST_PATH=0 force the library path, with the same
// verdicts either way. Whether the fast path ran is seen in its template
// cache: a shape it never met has no template on its first sighting.
import test from 'ava';
import { describeShape } from '../src/fast/document-shape.js';
import { templateFor } from '../src/fast/template-cache.js';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  type DocumentLoader,
  generateKeyPair,
  type JsonObject,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';

function card(issuer: string, name: string): JsonObject {
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, { '@vocab': 'https://test.vneid.example/switch#' }],
    type: ['VerifiableCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:holder', name },
  };
}

async function fastPathRan(document: JsonObject, documentLoader: DocumentLoader): Promise<boolean> {
  return (await templateFor(document, describeShape(document), documentLoader)) !== undefined;
}

test.serial('fastPath: false keeps canonize and signCredential on the library path', async (t) => {
  const documentLoader = createDocumentLoader();
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const document = card(key.controller, 'An');
  for (let i = 0; i < 3; i++) await canonize(document, { documentLoader, fastPath: false });
  for (let i = 0; i < 3; i++) {
    await signCredential({
      credential: document,
      key,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader,
      fastPath: false,
    });
  }
  t.false(await fastPathRan(document, documentLoader), 'the fast path never saw the shape');
  const other = createDocumentLoader();
  for (let i = 0; i < 3; i++) await canonize(document, { documentLoader: other });
  t.true(await fastPathRan(document, other), 'by default it does');
});

test.serial('VNEID_FAST_PATH=0 forces the library path for the whole process', async (t) => {
  const documentLoader = createDocumentLoader();
  const document = card('did:example:issuer', 'Bình');
  process.env.VNEID_FAST_PATH = '0';
  try {
    for (let i = 0; i < 3; i++) await canonize(document, { documentLoader });
  } finally {
    delete process.env.VNEID_FAST_PATH;
  }
  t.false(await fastPathRan(document, documentLoader));
  for (let i = 0; i < 3; i++) await canonize(document, { documentLoader, fastPath: true });
  t.true(await fastPathRan(document, documentLoader), 'the option wins over the environment');
});

test.serial('both settings give the same verdicts and codes, genuine and tampered', async (t) => {
  const key = await generateKeyPair({ keyType: 'P-256' });
  const loaders = { on: createDocumentLoader(), off: createDocumentLoader() };
  for (let i = 0; i < 4; i++) {
    const signed = await signCredential({
      credential: card(key.controller, `Người ${i}`),
      key,
      cryptosuite: 'ecdsa-rdfc-2019',
      documentLoader: loaders.on,
    });
    const variants = [
      signed,
      { ...signed, credentialSubject: { id: 'did:example:holder', name: 'changed' } },
      { ...signed, issuer: 'did:example:other' },
      { ...signed, proof: { ...(signed.proof as JsonObject), proofValue: 'z111' } },
    ];
    for (const credential of variants) {
      const on = await verifyCredentialProof({ credential, documentLoader: loaders.on, fastPath: true });
      const off = await verifyCredentialProof({ credential, documentLoader: loaders.off, fastPath: false });
      t.is(on.verified, off.verified);
      t.is(on.error?.code, off.error?.code);
    }
    t.true(
      (await verifyCredentialProof({ credential: signed, documentLoader: loaders.off, fastPath: false })).verified,
    );
  }
  const { proof: _, ...unsigned } = (await signCredential({
    credential: card(key.controller, 'x'),
    key,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader: loaders.off,
    fastPath: false,
  })) as JsonObject;
  t.false(await fastPathRan(unsigned, loaders.off), 'verification with fastPath: false never used a template');
});
