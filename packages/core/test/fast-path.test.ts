// The fast path (compiled canonicalization templates, cached node:crypto
// keys, own rdfc proof code) against the library path it replaces: same
// bytes, same verdicts. The large generated property test lives in
// schemas/test/fast-path-property.test.ts; these are the corner cases.
import * as vc from '@digitalbazaar/vc';
import test from 'ava';
import jsigs from 'jsonld-signatures';
import * as rdfCanonize from 'rdf-canonize';
import { describeShape } from '../src/fast/document-shape.js';
import { escapeIri, escapeLiteral } from '../src/fast/nquads-escape.js';
import { verifyRdfcFast } from '../src/fast/rdfc-proof.js';
import { templateFor } from '../src/fast/template-cache.js';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  createSigningSuite,
  createVerifyingSuites,
  generateKeyPair,
  type JsonLdContextDocument,
  signCredential,
  signPresentation,
  verifyCredentialProof,
  verifyPresentationProof,
} from '../src/index.js';
import { canonizeWithLibrary, signCredentialWithLibrary, verifyCredentialProofWithLibrary } from '../src/testing.js';

const EX = 'https://test.vneid.example/fast/v1';
const exContext: JsonLdContextDocument = {
  '@context': {
    '@protected': true,
    ex: 'https://test.vneid.example/vocab#',
    'ex:special': { '@id': 'ex:special', '@type': '@id' },
    Card: 'ex:Card',
    Thing: 'ex:Thing',
    note: 'ex:note',
    classes: { '@id': 'ex:classes', '@container': '@set' },
    ordered: { '@id': 'ex:ordered', '@container': '@list' },
    link: { '@id': 'ex:link', '@type': '@id' },
    kind: { '@id': 'ex:kind', '@type': '@vocab' },
    born: { '@id': 'ex:born', '@type': 'http://www.w3.org/2001/XMLSchema#date' },
    label: { '@id': 'ex:label', '@language': 'vi' },
    payload: { '@id': 'ex:payload', '@type': '@json' },
    part: { '@id': 'ex:part' },
    count: 'ex:count',
    flag: 'ex:flag',
  },
};
const { NQuads } = rdfCanonize as unknown as {
  NQuads: { serializeQuadComponents(s: unknown, p: unknown, o: unknown, g: unknown): string };
};

function newLoader() {
  return createDocumentLoader({ contexts: new Map([[EX, exContext]]) });
}

function card(subject: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, EX],
    id: 'urn:uuid:2f0b3a52-9c1e-4e0f-8f7e-0a6d1c2b3e4f',
    type: ['VerifiableCredential', 'Card'],
    issuer: 'did:example:issuer',
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: subject,
    ...extra,
  };
}

// Documents whose slots land in every kind of place jsonld can put them.
const corners: Array<[string, Record<string, unknown>]> = [
  // A filled-in line equal to a fixed one (found by the sd work): the library keeps one.
  ['a @vocab term beside its own IRI', card({ kind: ['Thing', 'https://test.vneid.example/vocab#Thing'] })],
  ['plain literals with Unicode, quotes, controls', card({ note: 'Nguyễn "Văn" \\ A\n\t\u0001 😀 e\u0301' })],
  ['an IRI-like literal (data: URI)', card({ note: 'data:image/png;base64,AAAA' })],
  ['a literal that looks like scheme:words', card({ note: 'Note: two words' })],
  ['an @id-typed value', card({ link: 'https://example.org/a b'.replace(' ', '') })],
  ['an @id-typed value with //', card({ link: 'urn://weird/path' })],
  ['a compact IRI through a prefix', card({ link: 'ex:somewhere' })],
  ['a value equal to a term with a colon', card({ link: 'ex:special' })],
  ['a @vocab-typed term value', card({ kind: 'Thing' })],
  ['a @vocab-typed absolute IRI', card({ kind: 'https://example.org/Kind' })],
  ['a typed date', card({ born: '1990-02-30' })],
  ['a language-tagged string', card({ label: 'Căn cước' })],
  ['a @json value', card({ payload: { a: ['x', 1, true], b: 'y' } })],
  ['duplicates in a set', card({ classes: ['B', 'B', 'A1', 'B'] })],
  ['duplicates in a list', card({ ordered: ['B', 'B', 'C'] })],
  ['numbers and booleans', card({ count: 3, flag: true, part: 1.5 })],
  ['two anonymous nodes that tie on first-degree hash', card({ part: [{ note: 'same' }, { note: 'same' }] })],
  [
    'nested blank nodes (past rdf-canonize’s work limit: refused both ways)',
    card({ part: { part: { part: { note: 'deep' } } } }),
  ],
  ['nested blank nodes that differ', card({ part: { note: 'a', part: { note: 'b', part: { note: 'c' } } } })],
  ['a subject id equal to the issuer (node merge)', card({ id: 'did:example:issuer', note: 'self' })],
  ['a subject id', card({ id: 'did:example:holder', note: 'x' })],
  ['a blank node id', card({ id: '_:b7', note: 'x' })],
  ['an issuer object', card({ note: 'x' }, { issuer: { id: 'did:example:issuer', note: 'Bộ Công an' } })],
];

for (const [name, document] of corners) {
  test(`canonize = library, 3 sightings: ${name}`, async (t) => {
    const documentLoader = newLoader();
    const outcome = (p: Promise<string>) =>
      p.then(
        (text) => ({ text }),
        (e: { code?: string }) => ({ code: e.code }),
      );
    const expected = await outcome(canonizeWithLibrary(document, { documentLoader }));
    for (let i = 0; i < 3; i++) t.deepEqual(await outcome(canonize(document, { documentLoader })), expected);
  });
}

test('one template serves many documents of a shape, and each gets its own bytes', async (t) => {
  const documentLoader = newLoader();
  const names = ['Trần Thị Bình', 'Lê "Quote"', 'x\ny', 'ex:special', 'https://a.example/b', 'data:x', '😀'];
  for (const note of names) {
    for (const link of ['https://a.example/1', 'ex:somewhere', 'did:example:9']) {
      const document = card({ note, link, classes: [note, 'B'] });
      t.is(await canonize(document, { documentLoader }), await canonizeWithLibrary(document, { documentLoader }));
    }
  }
  const document = card({ note: 'n', link: 'https://a.example/1', classes: ['A', 'B'] });
  t.truthy(await templateFor(document, describeShape(document), documentLoader), 'the shape has a compiled template');
});

test('a document the library refuses is refused the same way on every sighting', async (t) => {
  const documentLoader = newLoader();
  const document = card({ undefinedTerm: 'x' });
  const library = await t.throwsAsync(canonizeWithLibrary(document, { documentLoader }));
  for (let i = 0; i < 3; i++) {
    const fast = await t.throwsAsync(canonize(document, { documentLoader }));
    t.is((fast as { code?: string }).code, (library as { code?: string }).code);
  }
});

test('N-Quads escaping is rdf-canonize’s for every ASCII code point and random Unicode', (t) => {
  const samples: string[] = [];
  for (let c = 0; c < 0x80; c++) samples.push(`a${String.fromCharCode(c)}b`);
  for (let i = 0; i < 200; i++) {
    let s = '';
    for (let j = 0; j < 8; j++) s += String.fromCodePoint(Math.floor(Math.random() * 0x2ffff));
    samples.push(s);
  }
  const node = (value: string) => ({ termType: 'NamedNode', value });
  const graph = { termType: 'DefaultGraph', value: '' };
  const string = node('http://www.w3.org/2001/XMLSchema#string');
  for (const s of samples) {
    t.is(
      NQuads.serializeQuadComponents(node('s'), node('p'), { termType: 'Literal', value: s, datatype: string }, graph),
      `<s> <p> "${escapeLiteral(s)}" .\n`,
    );
    t.is(NQuads.serializeQuadComponents(node(s), node('p'), node('o'), graph), `<${escapeIri(s)}> <p> <o> .\n`);
  }
});

for (const [cryptosuite, keyType] of [
  ['eddsa-rdfc-2022', 'Ed25519'],
  ['ecdsa-rdfc-2019', 'P-256'],
] as const) {
  test(`${cryptosuite}: fast proofs verify in the library and library proofs verify fast`, async (t) => {
    const documentLoader = newLoader();
    const key = await generateKeyPair({ keyType });
    const now = new Date('2026-03-01T08:00:00Z');
    for (const [, document] of corners.slice(0, 12)) {
      const credential = { ...document, issuer: key.controller };
      const fast = await signCredential({ credential, key, cryptosuite, documentLoader, now });
      const library = await signCredentialWithLibrary({ credential, key, cryptosuite, documentLoader, now });
      if (keyType === 'Ed25519') t.deepEqual(fast, library, 'Ed25519 signatures are deterministic: same bytes');
      const plain = await vc.verifyCredential({
        credential: fast,
        suite: createVerifyingSuites(),
        documentLoader,
        checkStatus: async () => ({ verified: true }),
      });
      t.true(plain.verified, 'the plain library verifies the fast proof');
      t.true((await verifyCredentialProof({ credential: library, documentLoader })).verified);
      t.true((await verifyCredentialProof({ credential: fast, documentLoader })).verified);
      t.true(
        await verifyRdfcFast({ credential: library, documentLoader, bindIssuer: true, now: undefined }),
        'accepted by the fast path itself, not by the fallback',
      );
    }
  });

  test(`${cryptosuite}: fast and library verdicts agree on tampered, re-issued and reshaped credentials`, async (t) => {
    const documentLoader = newLoader();
    const key = await generateKeyPair({ keyType });
    const other = await generateKeyPair({ keyType });
    const signed = await signCredential({
      credential: { ...card({ note: 'Phạm Văn Đồng', classes: ['A1', 'B'] }), issuer: key.controller },
      key,
      cryptosuite,
      documentLoader,
    });
    const variants: Array<[string, Record<string, unknown>, boolean]> = [
      ['as signed', signed, true],
      ['a claim changed', { ...signed, credentialSubject: { note: 'Phạm Văn Đông', classes: ['A1', 'B'] } }, false],
      ['an array item dropped', { ...signed, credentialSubject: { note: 'Phạm Văn Đồng', classes: ['A1'] } }, false],
      [
        'a claim added',
        { ...signed, credentialSubject: { note: 'Phạm Văn Đồng', classes: ['A1', 'B'], flag: true } },
        false,
      ],
      ['another issuer named', { ...signed, issuer: other.controller }, false],
      ['validFrom moved', { ...signed, validFrom: '2025-01-01T00:00:00Z' }, false],
      [
        'proof created changed',
        { ...signed, proof: { ...(signed.proof as object), created: '2020-01-01T00:00:00Z' } },
        false,
      ],
      [
        'proof purpose changed',
        { ...signed, proof: { ...(signed.proof as object), proofPurpose: 'authentication' } },
        false,
      ],
      [
        'other suite named',
        {
          ...signed,
          proof: {
            ...(signed.proof as object),
            cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? 'ecdsa-rdfc-2019' : 'eddsa-rdfc-2022',
          },
        },
        false,
      ],
      [
        'extra proof property',
        { ...signed, proof: { ...(signed.proof as object), expires: '2099-01-01T00:00:00Z' } },
        false,
      ],
      [
        'key of another controller',
        { ...signed, proof: { ...(signed.proof as object), verificationMethod: other.id } },
        false,
      ],
      [
        'undefined term added',
        { ...signed, credentialSubject: { note: 'Phạm Văn Đồng', classes: ['A1', 'B'], nope: 1 } },
        false,
      ],
      [
        // Refused by the default strict proof form (citizen-document profile; proof-members.test.ts has the opt-out).
        'proof with a @context of its own',
        { ...signed, proof: { '@context': CREDENTIALS_V2_CONTEXT_URL, ...(signed.proof as object) } },
        false,
      ],
    ];
    for (const [name, credential, expected] of variants) {
      for (let i = 0; i < 2; i++) {
        const fast = await verifyCredentialProof({ credential, documentLoader });
        const library = await verifyCredentialProofWithLibrary({ credential, documentLoader });
        t.is(fast.verified, library.verified, `${name}: same verdict`);
        t.is(fast.verified, expected, `${name}: ${expected ? 'accepted' : 'refused'}`);
        if (!expected) t.is(fast.error?.code, library.error?.code, `${name}: same error code`);
      }
    }
  });
}

for (const keyType of ['Ed25519', 'P-256'] as const) {
  test(`${keyType} holder: fast presentation proofs and the library agree, challenge and domain bound`, async (t) => {
    const documentLoader = newLoader();
    const issuer = await generateKeyPair({ keyType: 'Ed25519' });
    const holder = await generateKeyPair({ keyType });
    const credential = await signCredential({
      credential: { ...card({ id: holder.controller, note: 'Đặng Thuỳ Trâm' }), issuer: issuer.controller },
      key: issuer,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader,
    });
    const now = new Date('2026-05-01T09:30:00Z');
    const request = { challenge: 'c-0f3a9e', domain: 'bank.example.vn' };
    const fast = await signPresentation({
      verifiableCredential: [credential],
      holderKey: holder,
      documentLoader,
      now,
      ...request,
    });
    const librarySigned = await vc.signPresentation({
      presentation: JSON.parse(JSON.stringify({ ...fast, proof: undefined })),
      suite: createSigningSuite({
        cryptosuite: keyType === 'Ed25519' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019',
        key: holder,
        date: now,
      }),
      documentLoader,
      ...request,
    });
    if (keyType === 'Ed25519') t.deepEqual(fast.proof, librarySigned.proof, 'same proof bytes');
    const byLibrary = await jsigs.verify(fast, {
      suite: createVerifyingSuites(),
      purpose: new jsigs.purposes.AuthenticationProofPurpose(request),
      documentLoader,
    });
    t.true(byLibrary.verified, 'the plain library verifies the fast presentation proof');
    const purpose = { term: 'authentication' as const, ...request };
    for (const presentation of [fast, librarySigned]) {
      for (let i = 0; i < 2; i++) {
        t.true(
          await verifyRdfcFast({
            credential: presentation,
            documentLoader,
            bindIssuer: false,
            now: undefined,
            purpose,
          }),
          'accepted by the fast path itself, not by the fallback',
        );
      }
    }
    const variants: Array<[string, Record<string, unknown>, typeof request, boolean]> = [
      ['fast-signed', fast, request, true],
      ['library-signed', librarySigned, request, true],
      ['another challenge expected', fast, { ...request, challenge: 'c-other' }, false],
      ['another domain expected', fast, { ...request, domain: 'evil.example' }, false],
      [
        'credential swapped out',
        { ...fast, verifiableCredential: [{ ...credential, validFrom: '2020-01-01T00:00:00Z' }] },
        request,
        false,
      ],
      ['holder renamed', { ...fast, holder: issuer.controller }, request, false],
    ];
    for (const [name, presentation, expected, verdict] of variants) {
      for (let i = 0; i < 2; i++) {
        const ours = await verifyPresentationProof({ presentation, documentLoader, ...expected });
        const theirs = await jsigs.verify(presentation, {
          suite: createVerifyingSuites(),
          purpose: new jsigs.purposes.AuthenticationProofPurpose(expected),
          documentLoader,
        });
        t.is(ours.verified, theirs.verified, `${name}: same verdict`);
        t.is(ours.verified, verdict, name);
      }
    }
  });
}
