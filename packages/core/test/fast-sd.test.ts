// Oracles derive with `fastPath: false` (the library only): a derive that tries the fast path first would compare it with itself.
// The ecdsa-sd-2023 fast path (src/fast/sd) against the library it stands
// in for: derived proofs it accepts, the library accepts; everything the
// library refuses, it refuses (or defers); proofs it makes, the plain
// library verifies and derives from.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { p256 } from '@noble/curves/nist.js';
import { forbidNetwork } from '@vneid/test-support/no-network';
import test from 'ava';
import { encode } from 'cborg';
import { ephemeralPublicKey, signP256, verifyP256 } from '../src/fast/p256.js';
import { canonicalThroughLibrary, canonicalThroughTemplate } from '../src/fast/sd/canonical.js';
import { deriveSdFast } from '../src/fast/sd/derive.js';
import {
  parseBaseProofValue,
  parseDerivedProofValue,
  serializeBaseProofValue,
  serializeDerivedProofValue,
} from '../src/fast/sd/proof-value.js';
import { signSdBaseFast } from '../src/fast/sd/sign-base.js';
import { verifyDerivedSdFast } from '../src/fast/sd/verify-derived.js';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  createVerifyingSuites,
  type DocumentLoader,
  deriveCredential,
  generateKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  type KeyPair,
  mandatoryPointersFor,
} from '../src/index.js';
import { signCredentialWithLibrary, verifyCredentialProofWithLibrary } from '../src/testing.js';
import { base58btc, mutateEveryByte } from './helpers/mutate.js';
import { readVectorJson, VECTOR_CONTEXTS } from './helpers/vectors.js';

forbidNetwork();

// Our four document types as the schemas package defines them (copied: core
// tests cannot import schemas). Values are synthetic.
const VOCAB = 'https://vneid.gov.vn/vocab#';
const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';
const plain = (name: string) => ({ '@id': `${VOCAB}${name}` });
const date = (name: string) => ({ '@id': `${VOCAB}${name}`, '@type': XSD_DATE });

interface DocumentType {
  type: string;
  contextUrl: string;
  context: JsonLdContextDocument;
  subject: JsonObject;
  /** Selective pointers a verifier might ask for, into the credential. */
  selections: string[][];
}

const TYPES: DocumentType[] = [
  {
    type: 'CitizenIdentityCard',
    contextUrl: 'https://vneid.gov.vn/credentials/citizen-identity-card/v1',
    context: {
      '@context': {
        '@protected': true,
        CitizenIdentityCard: `${VOCAB}CitizenIdentityCard`,
        personalIdentificationNumber: plain('personalIdentificationNumber'),
        fullName: plain('fullName'),
        dateOfBirth: date('dateOfBirth'),
        sex: plain('sex'),
        nationality: plain('nationality'),
        placeOfBirthRegistration: plain('placeOfBirthRegistration'),
        placeOfResidence: plain('placeOfResidence'),
        dateOfIssue: date('dateOfIssue'),
        dateOfExpiry: date('dateOfExpiry'),
        faceImageDigest: plain('faceImageDigest'),
        faceImage: plain('faceImage'),
      },
    },
    subject: {
      personalIdentificationNumber: '001178012345',
      fullName: 'Nguyễn Thị Minh Khai',
      dateOfBirth: '1978-05-19',
      sex: 'female',
      nationality: 'Việt Nam',
      placeOfBirthRegistration: 'Phường Hàng Bạc, Quận Hoàn Kiếm, Thành phố Hà Nội',
      placeOfResidence: 'Số 12 phố Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Thành phố Hà Nội',
      dateOfIssue: '2024-08-12',
      dateOfExpiry: '2038-05-19',
      faceImageDigest: 'sha256-a3+kNPkqi4CqsC2b8aEuSf/K5CTkATocT2i2fj0rvNA=',
      faceImage:
        'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    },
    selections: [
      [],
      ['/credentialSubject/fullName'],
      ['/credentialSubject/dateOfBirth', '/credentialSubject/nationality', '/credentialSubject/faceImage'],
    ],
  },
  {
    type: 'DrivingLicence',
    contextUrl: 'https://vneid.gov.vn/credentials/driving-licence/v1',
    context: {
      '@context': {
        '@protected': true,
        DrivingLicence: `${VOCAB}DrivingLicence`,
        licenceNumber: plain('licenceNumber'),
        fullName: plain('fullName'),
        dateOfBirth: date('dateOfBirth'),
        personalIdentificationNumber: plain('personalIdentificationNumber'),
        nationality: plain('nationality'),
        placeOfResidence: plain('placeOfResidence'),
        licenceClasses: {
          '@id': `${VOCAB}licenceClasses`,
          '@container': '@set',
          '@context': { '@protected': true, licenceClass: plain('licenceClass'), dateOfExpiry: date('dateOfExpiry') },
        },
        dateOfIssue: date('dateOfIssue'),
        issuingAuthority: plain('issuingAuthority'),
      },
    },
    subject: {
      licenceNumber: '010250012345',
      fullName: 'Nguyễn Thị Minh Khai',
      dateOfBirth: '1978-05-19',
      personalIdentificationNumber: '001178012345',
      nationality: 'Việt Nam',
      placeOfResidence: 'Số 12 phố Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Thành phố Hà Nội',
      licenceClasses: [{ licenceClass: 'A1' }, { licenceClass: 'B', dateOfExpiry: '2035-09-03' }],
      dateOfIssue: '2025-09-03',
      issuingAuthority: 'Phòng Cảnh sát giao thông, Công an Thành phố Hà Nội',
    },
    selections: [
      ['/credentialSubject/licenceClasses'],
      ['/credentialSubject/licenceClasses/1/licenceClass', '/credentialSubject/fullName'],
    ],
  },
  {
    type: 'UniversityDegree',
    contextUrl: 'https://vneid.gov.vn/credentials/university-degree/v1',
    context: {
      '@context': {
        '@protected': true,
        UniversityDegree: `${VOCAB}UniversityDegree`,
        degreeTitle: plain('degreeTitle'),
        fieldOfStudy: plain('fieldOfStudy'),
        fullName: plain('fullName'),
        dateOfBirth: date('dateOfBirth'),
        personalIdentificationNumber: plain('personalIdentificationNumber'),
        classification: plain('classification'),
        modeOfStudy: plain('modeOfStudy'),
        graduationYear: { '@id': `${VOCAB}graduationYear`, '@type': 'http://www.w3.org/2001/XMLSchema#integer' },
        diplomaSerialNumber: plain('diplomaSerialNumber'),
        registerNumber: plain('registerNumber'),
        institution: plain('institution'),
      },
    },
    subject: {
      degreeTitle: 'engineer',
      fieldOfStudy: 'Kỹ thuật phần mềm',
      fullName: 'Lê Hoàng Nam',
      dateOfBirth: '2001-09-02',
      personalIdentificationNumber: '048201004567',
      classification: 'veryGood',
      modeOfStudy: 'fullTime',
      graduationYear: 2024,
      diplomaSerialNumber: 'BKDN-2024-001234',
      registerNumber: '2024/KS-0567',
      institution: 'Trường Đại học Bách khoa – Đại học Đà Nẵng',
    },
    selections: [['/credentialSubject/degreeTitle', '/credentialSubject/graduationYear']],
  },
  {
    type: 'HealthInsuranceCard',
    contextUrl: 'https://vneid.gov.vn/credentials/health-insurance-card/v1',
    context: {
      '@context': {
        '@protected': true,
        HealthInsuranceCard: `${VOCAB}HealthInsuranceCard`,
        socialInsuranceNumber: plain('socialInsuranceNumber'),
        personalIdentificationNumber: plain('personalIdentificationNumber'),
        fullName: plain('fullName'),
        dateOfBirth: date('dateOfBirth'),
        sex: plain('sex'),
        initialHealthFacility: {
          '@id': `${VOCAB}initialHealthFacility`,
          '@context': { '@protected': true, facilityCode: plain('facilityCode'), facilityName: plain('facilityName') },
        },
        coverageFrom: date('coverageFrom'),
        coverageTo: date('coverageTo'),
        benefitLevel: plain('benefitLevel'),
      },
    },
    subject: {
      socialInsuranceNumber: '0107812345',
      personalIdentificationNumber: '001178012345',
      fullName: 'Nguyễn Thị Minh Khai',
      dateOfBirth: '1978-05-19',
      sex: 'female',
      initialHealthFacility: { facilityCode: '01009', facilityName: 'Bệnh viện Đa khoa Đống Đa' },
      coverageFrom: '2026-01-01',
      coverageTo: '2031-12-31',
      benefitLevel: '4',
    },
    selections: [
      ['/credentialSubject/initialHealthFacility/facilityName'],
      ['/credentialSubject/initialHealthFacility', '/credentialSubject/coverageTo'],
    ],
  },
];

const CONTEXTS = new Map<string, JsonLdContextDocument>([
  ...TYPES.map((t) => [t.contextUrl, t.context] as const),
  ...VECTOR_CONTEXTS,
]);

function newLoader(): DocumentLoader {
  return createDocumentLoader({ contexts: CONTEXTS });
}

const NOW = new Date('2026-03-01T08:00:00Z');
const STATUS_LIST = 'https://vneid.gov.vn/status/3';

/** A credential as our issuer builds it (issuer/src/lib/issue-core.ts buildCredential). */
function credentialOf(kind: DocumentType, issuer: string, holder: string | undefined, index = 94567): JsonObject {
  const kebab = kind.contextUrl.split('/').at(-2);
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, kind.contextUrl],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', kind.type],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2036-01-01T00:00:00Z',
    credentialSchema: { id: `https://vneid.gov.vn/credentials/${kebab}/schema/v1.json`, type: 'JsonSchema' },
    credentialSubject: holder ? { id: holder, ...structuredClone(kind.subject) } : structuredClone(kind.subject),
    credentialStatus: ['revocation', 'suspension'].map((statusPurpose, i) => ({
      id: `${STATUS_LIST}${i}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose,
      statusListIndex: String(index),
      statusListCredential: `${STATUS_LIST}${i}`,
    })),
  };
}

async function librarySigned(kind: DocumentType, key: KeyPair, documentLoader: DocumentLoader, holder?: string) {
  const credential = credentialOf(kind, key.controller, holder);
  return signCredentialWithLibrary({
    credential,
    key,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader,
    mandatoryPointers: mandatoryPointersFor(credential),
    now: NOW,
  });
}

/** The plain library's verdict: vc.verifyCredential with the Data Integrity suites, nothing of ours. */
async function plainLibraryVerifies(credential: JsonObject, documentLoader: DocumentLoader): Promise<boolean> {
  const result = await vc.verifyCredential({
    credential,
    suite: createVerifyingSuites(),
    documentLoader,
    now: '2026-06-01T00:00:00Z',
    checkStatus: async () => ({ verified: true }),
  });
  return result.verified === true;
}

/** The fast verdict once the shape is compiled (the first sighting of a shape always defers). */
async function fastVerdict(credential: JsonObject, documentLoader: DocumentLoader, bindIssuer = true) {
  const options = { credential, documentLoader, bindIssuer, now: credential.validFrom as string | undefined };
  await verifyDerivedSdFast(options);
  await verifyDerivedSdFast(options);
  return verifyDerivedSdFast(options);
}

const proofOf = (credential: JsonObject) => credential.proof as JsonObject;
const subjectOf = (credential: JsonObject) => credential.credentialSubject as JsonObject;

for (const kind of TYPES) {
  for (const holder of [true, false]) {
    test(`${kind.type}${holder ? '' : ' (no holder id)'}: derived proofs from the library verify fast, and the library agrees`, async (t) => {
      const documentLoader = newLoader();
      const issuer = await generateKeyPair({ keyType: 'P-256' });
      const holderKey = holder ? await generateKeyPair({ keyType: 'Ed25519' }) : undefined;
      const base = await librarySigned(kind, issuer, documentLoader, holderKey?.controller);
      for (const selectivePointers of kind.selections) {
        const derived = await deriveCredential({
          credential: base,
          selectivePointers,
          documentLoader,
          fastPath: false,
        });
        // Without a holder id and with nothing selected there is no credentialSubject: vc refuses that.
        const expected = 'credentialSubject' in derived;
        t.is(await plainLibraryVerifies(derived, documentLoader), expected, `${selectivePointers}: library`);
        t.is(await fastVerdict(derived, documentLoader), expected, `${selectivePointers}: fast`);
        t.is(
          (await verifyCredentialProofWithLibrary({ credential: derived, documentLoader })).verified,
          expected,
          'our library path agrees',
        );
      }
    });
  }
}

test('the W3C ecdsa-sd-2023 derived vector verifies fast (integrity only: its issuer is not the key controller)', async (t) => {
  const documentLoader = newLoader();
  for (const name of ['employ', 'prc']) {
    const derived = readVectorJson(`vc-di-ecdsa/TestVectors/ecdsa-sd-2023/${name}/derivedRevealDocument.json`);
    t.true(await fastVerdict(derived, documentLoader, false), name);
    t.false(await fastVerdict(derived, documentLoader, true), `${name}: issuer binding refused, as the library would`);
  }
});

test('a base proof is never accepted by the derived-proof verifier', async (t) => {
  const documentLoader = newLoader();
  const base = await librarySigned(TYPES[0]!, await generateKeyPair({ keyType: 'P-256' }), documentLoader);
  t.false(await fastVerdict(base, documentLoader));
  t.false(await plainLibraryVerifies(base, documentLoader));
});

/** Variants of a derived credential and whether they should still verify. */
function variantsOf(derived: JsonObject, other: KeyPair): Array<[string, JsonObject, boolean]> {
  const proof = proofOf(derived);
  const subject = subjectOf(derived);
  const withSubject = (change: JsonObject) => ({ ...derived, credentialSubject: { ...subject, ...change } });
  const withProof = (change: JsonObject) => ({ ...derived, proof: { ...proof, ...change } });
  const { fullName: _, ...withoutName } = subject;
  const classes = subject.licenceClasses as JsonObject[] | undefined;
  return [
    ['as derived', derived, true],
    ['JSON keys in another order', Object.fromEntries(Object.entries(derived).reverse()), true],
    ['a disclosed claim changed', withSubject({ fullName: 'Nguyễn Thị Minh Khải' }), false],
    ['a disclosed claim dropped', { ...derived, credentialSubject: withoutName }, false],
    ['an undisclosed claim added', withSubject({ sex: 'male' }), false],
    ['a claim with a blank-node look-alike added', withSubject({ sex: 'x _:c14n0 y' }), false],
    ['a mandatory claim changed', { ...derived, validFrom: '2025-01-01T00:00:00Z' }, false],
    ['another issuer named', { ...derived, issuer: other.controller }, false],
    ['proof created changed', withProof({ created: '2020-01-01T00:00:00Z' }), false],
    ['key of another controller', withProof({ verificationMethod: other.id }), false],
    ...(classes && classes.length > 1
      ? ([
          ['licence classes in the other order', withSubject({ licenceClasses: [...classes].reverse() }), true],
          ['one licence class dropped', withSubject({ licenceClasses: classes.slice(1) }), false],
        ] as Array<[string, JsonObject, boolean]>)
      : []),
  ];
}

for (const kind of TYPES) {
  test(`${kind.type}: fast and library verdicts agree on tampered, reordered and dropped statements`, async (t) => {
    const documentLoader = newLoader();
    const issuer = await generateKeyPair({ keyType: 'P-256' });
    const other = await generateKeyPair({ keyType: 'P-256' });
    const holder = await generateKeyPair({ keyType: 'Ed25519' });
    const base = await librarySigned(kind, issuer, documentLoader, holder.controller);
    const selectivePointers = kind.selections.at(-1)!;
    const derived = await deriveCredential({
      credential: base,
      selectivePointers: [...selectivePointers, '/credentialSubject/fullName'],
      documentLoader,
    });
    for (const [name, credential, expected] of variantsOf(derived, other)) {
      const library = await plainLibraryVerifies(credential, documentLoader);
      const fast = await fastVerdict(credential, documentLoader);
      t.is(library, expected, `${name}: library`);
      t.is(fast, expected, `${name}: fast`);
    }
  });
}

test('derived proof values: parsed and re-serialized to the same string; altered parts refused by both', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const kind = TYPES[1]!; // licence classes: several blank nodes in the revealed document
  const base = await librarySigned(kind, issuer, documentLoader);
  const derived = await deriveCredential({
    credential: base,
    selectivePointers: ['/credentialSubject/licenceClasses', '/credentialSubject/fullName'],
    documentLoader,
  });
  const proofValue = proofOf(derived).proofValue as string;
  const parsed = parseDerivedProofValue(proofValue)!;
  t.truthy(parsed);
  t.is(serializeDerivedProofValue(parsed), proofValue, 'same CBOR, same label map compression');
  t.true(parsed.labelMap.size >= 2 && parsed.signatures.length >= 2 && parsed.mandatoryIndexes.length >= 1);

  const [first, second] = [...parsed.labelMap.keys()];
  const swappedLabels = new Map(parsed.labelMap);
  swappedLabels.set(first!, parsed.labelMap.get(second!)!);
  swappedLabels.set(second!, parsed.labelMap.get(first!)!);
  const missingLabel = new Map(parsed.labelMap);
  missingLabel.delete(first!);
  const [s0, s1, ...rest] = parsed.signatures;
  const otherEphemeral = await generateKeyPair({ keyType: 'P-256' });
  const alterations: Array<[string, Partial<typeof parsed>]> = [
    ['two signatures swapped', { signatures: [s1!, s0!, ...rest] }],
    ['a signature dropped', { signatures: parsed.signatures.slice(1) }],
    ['a mandatory index moved', { mandatoryIndexes: parsed.mandatoryIndexes.map((i) => i + 1) }],
    ['a mandatory index dropped', { mandatoryIndexes: parsed.mandatoryIndexes.slice(1) }],
    ['two blank node labels swapped', { labelMap: swappedLabels }],
    ['a blank node label missing', { labelMap: missingLabel }],
    ['another ephemeral key', { publicKey: base58btc.decode(otherEphemeral.publicKeyMultibase) }],
  ];
  for (const [name, change] of alterations) {
    const credential = {
      ...derived,
      proof: { ...proofOf(derived), proofValue: serializeDerivedProofValue({ ...parsed, ...change }) },
    };
    t.false(await plainLibraryVerifies(credential, documentLoader), `${name}: library`);
    t.false(await fastVerdict(credential, documentLoader), `${name}: fast`);
  }
  const malformed = ['u2V0B', `${proofValue}AA`, proofValue.replaceAll('-', '+'), `z${proofValue.slice(1)}`];
  for (const value of malformed) {
    const credential = { ...derived, proof: { ...proofOf(derived), proofValue: value } };
    t.false(await fastVerdict(credential, documentLoader), `malformed ${value.slice(0, 12)}…`);
  }
});

test('changing any byte of a derived proof value: the fast path never accepts it', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const base = await librarySigned(TYPES[3]!, issuer, documentLoader);
  const derived = await deriveCredential({
    credential: base,
    selectivePointers: ['/credentialSubject/initialHealthFacility'],
    documentLoader,
  });
  t.true(await fastVerdict(derived, documentLoader));
  let checked = 0;
  for (const proofValue of mutateEveryByte(proofOf(derived).proofValue as string)) {
    const credential = { ...derived, proof: { ...proofOf(derived), proofValue } };
    t.false(await verifyDerivedSdFast({ credential, documentLoader, bindIssuer: true, now: undefined }));
    // The library is slow: ask it about every 25th mutation only.
    if (checked % 25 === 0) t.false(await plainLibraryVerifies(credential, documentLoader));
    checked++;
  }
  t.true(checked > 300);
});

/** A loader that counts the contexts it is asked for: the library path loads them on every call, the fast path does not. */
function countingLoader(): DocumentLoader & { calls: number } {
  const inner = newLoader();
  const loader = (async (url: string) => {
    if (!url.startsWith('did:')) loader.calls++;
    return inner(url);
  }) as DocumentLoader & { calls: number };
  loader.calls = 0;
  return loader;
}

/** Runs `op` and tells whether it loaded any context (the library) or none (the fast path). */
async function viaLibrary<T>(loader: { calls: number }, op: () => Promise<T>): Promise<{ value: T; library: boolean }> {
  const before = loader.calls;
  const value = await op();
  return { value, library: loader.calls !== before };
}

for (const kind of TYPES) {
  test(`${kind.type}: fast derivations equal the library's, byte for byte, and verify`, async (t) => {
    const documentLoader = countingLoader();
    const issuer = await generateKeyPair({ keyType: 'P-256' });
    for (const selectivePointers of kind.selections) {
      let fast = 0;
      for (let i = 0; i < 6; i++) {
        const holder = await generateKeyPair({ keyType: 'Ed25519' });
        const base = await librarySigned(kind, issuer, documentLoader, holder.controller);
        const expected = await deriveCredential({
          credential: base,
          selectivePointers,
          documentLoader,
          fastPath: false,
        });
        const { value, library } = await viaLibrary(documentLoader, () =>
          deriveSdFast({ credential: base, selectivePointers, documentLoader }),
        );
        if (value === undefined) continue;
        t.deepEqual(value, expected, `${selectivePointers} #${i}: same credential as the library`);
        if (!library) fast++;
      }
      t.true(fast >= 2, `${selectivePointers}: the fast path derived (${fast} of 6)`);
    }
  });
}

test('fast-derived credentials verify with the plain library, fast, and through our library path', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const kind = TYPES[1]!;
  const selectivePointers = ['/credentialSubject/licenceClasses/1/licenceClass', '/credentialSubject/fullName'];
  let checked = 0;
  for (let i = 0; i < 6; i++) {
    const base = await librarySigned(kind, issuer, documentLoader);
    const derived = await deriveSdFast({ credential: base, selectivePointers, documentLoader });
    if (!derived || i < 3) continue;
    t.true(await plainLibraryVerifies(derived, documentLoader));
    t.true(await fastVerdict(derived, documentLoader));
    checked++;
  }
  t.true(checked >= 2);
});

test('derivation the fast path leaves to the library: unknown pointers, pointers into strings, look-alike values', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const kind = TYPES[0]!;
  // Teach the template and pointers first.
  for (let i = 0; i < 4; i++) {
    const base = await librarySigned(kind, issuer, documentLoader);
    await deriveSdFast({ credential: base, selectivePointers: ['/credentialSubject/fullName'], documentLoader });
  }
  const base = await librarySigned(kind, issuer, documentLoader);
  for (const pointers of [
    ['/credentialSubject/nope'],
    ['/credentialSubject/fullName/0'],
    ['/credentialSubject/toString'],
  ]) {
    t.is(
      await deriveSdFast({ credential: base, selectivePointers: pointers, documentLoader }),
      undefined,
      `${pointers}`,
    );
  }
  const lookalike = await signCredentialWithLibrary({
    credential: {
      ...credentialOf(kind, issuer.controller, undefined),
      credentialSubject: { ...kind.subject, sex: 'x _:b0' },
    },
    key: issuer,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader,
    mandatoryPointers: ['/issuer'],
  }).catch(() => undefined);
  t.is(lookalike, undefined, 'our library path refuses look-alikes (sd-value-guard)');
  const withProofSet = { ...base, proof: [base.proof] };
  t.is(
    await deriveSdFast({
      credential: withProofSet,
      selectivePointers: ['/credentialSubject/fullName'],
      documentLoader,
    }),
    undefined,
  );
});

test('derivations from a tampered base proof: the fast path gives the library’s result or defers', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const kind = TYPES[3]!;
  const selectivePointers = ['/credentialSubject/initialHealthFacility'];
  for (let i = 0; i < 4; i++) {
    const base = await librarySigned(kind, issuer, documentLoader);
    await deriveSdFast({ credential: base, selectivePointers, documentLoader });
  }
  const base = await librarySigned(kind, issuer, documentLoader);
  const parsed = parseBaseProofValue(proofOf(base).proofValue)!;
  const [s0, s1, ...rest] = parsed.signatures;
  const tampered: Array<[string, JsonObject]> = [
    [
      'a disclosed claim changed',
      {
        ...base,
        credentialSubject: { ...subjectOf(base), initialHealthFacility: { facilityCode: '01009', facilityName: 'X' } },
      },
    ],
    [
      'signatures swapped',
      {
        ...base,
        proof: {
          ...proofOf(base),
          proofValue: serializeBaseProofValue({ ...parsed, signatures: [s1!, s0!, ...rest] }),
        },
      },
    ],
    [
      'mandatory pointers changed',
      {
        ...base,
        proof: { ...proofOf(base), proofValue: serializeBaseProofValue({ ...parsed, mandatoryPointers: ['/issuer'] }) },
      },
    ],
  ];
  for (const [name, credential] of tampered) {
    const fast = await deriveSdFast({ credential, selectivePointers, documentLoader });
    const library = await deriveCredential({ credential, selectivePointers, documentLoader, fastPath: false }).catch(
      () => undefined,
    );
    if (fast !== undefined) t.deepEqual(fast, library, name);
    if (library)
      t.false(await plainLibraryVerifies(library, documentLoader), `${name}: the library's derivation fails`);
  }
});

for (const kind of TYPES) {
  test(`${kind.type}: fast base proofs derive and verify with the plain library`, async (t) => {
    const documentLoader = countingLoader();
    const issuer = await generateKeyPair({ keyType: 'P-256' });
    let fast = 0;
    for (let i = 0; i < 6; i++) {
      const holder = await generateKeyPair({ keyType: 'Ed25519' });
      const credential = credentialOf(kind, issuer.controller, holder.controller, 1000 + i);
      const mandatoryPointers = mandatoryPointersFor(credential);
      const { value: signed, library } = await viaLibrary(documentLoader, () =>
        signSdBaseFast({ credential, key: issuer, documentLoader, mandatoryPointers, now: NOW }),
      );
      if (!signed) continue;
      if (!library) fast++;
      else continue;
      t.is(proofOf(signed).created, '2026-03-01T08:00:00Z');
      t.deepEqual(Object.keys(proofOf(signed)), [
        'type',
        'created',
        'verificationMethod',
        'cryptosuite',
        'proofPurpose',
        'proofValue',
      ]);
      const parsed = parseBaseProofValue(proofOf(signed).proofValue)!;
      t.deepEqual(parsed.mandatoryPointers, mandatoryPointers);
      for (const signature of [parsed.baseSignature, ...parsed.signatures]) {
        t.false(p256.Signature.fromBytes(signature, 'compact').hasHighS(), 'low S');
      }
      for (const selectivePointers of kind.selections) {
        const derived = await deriveCredential({ credential: signed, selectivePointers, documentLoader });
        t.true(await plainLibraryVerifies(derived, documentLoader), `${selectivePointers}: library derive + verify`);
        const ours = await deriveSdFast({ credential: signed, selectivePointers, documentLoader });
        if (ours) t.deepEqual(ours, derived, 'our derivation equals the library’s');
      }
    }
    t.true(fast >= 3, `the fast path signed ${fast} of 6`);
  });
}

test('a fast base proof with nothing mandatory, and one whose credential the library refuses', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const kind = TYPES[2]!;
  let fastSigned: JsonObject | undefined;
  for (let i = 0; i < 4; i++) {
    fastSigned = await signSdBaseFast({
      credential: credentialOf(kind, issuer.controller, undefined, i),
      key: issuer,
      documentLoader,
      mandatoryPointers: [],
    });
  }
  const derived = await deriveCredential({
    credential: fastSigned!,
    // vc needs an issuer and validFrom: with nothing mandatory, the holder must disclose them.
    selectivePointers: ['/issuer', '/validFrom', '/credentialSubject/degreeTitle'],
    documentLoader,
  });
  t.true(await plainLibraryVerifies(derived, documentLoader));
  const { validFrom: _, ...noValidFrom } = credentialOf(kind, issuer.controller, undefined);
  await t.throwsAsync(
    signSdBaseFast({ credential: { ...noValidFrom, validFrom: 'yesterday' }, key: issuer, documentLoader }),
  );
  const ed = await generateKeyPair({ keyType: 'Ed25519' });
  t.is(
    await signSdBaseFast({ credential: credentialOf(kind, ed.controller, undefined), key: ed, documentLoader }),
    undefined,
  );
});

test('the canonical forms computed here equal rdf-canonize’s, blank node count included', async (t) => {
  const EX = 'https://test.vneid.example/sd/v1';
  const documentLoader = createDocumentLoader({
    contexts: new Map([
      [
        EX,
        {
          '@context': {
            '@protected': true,
            ex: 'https://test.vneid.example/vocab#',
            Card: 'ex:Card',
            Thing: 'ex:Thing',
            note: 'ex:note',
            part: { '@id': 'ex:part' },
            kind: { '@id': 'ex:kind', '@type': '@vocab' },
            classes: { '@id': 'ex:classes', '@container': '@set' },
          },
        },
      ],
    ]),
  });
  const card = (subject: JsonObject) => ({
    '@context': [CREDENTIALS_V2_CONTEXT_URL, EX],
    type: ['VerifiableCredential', 'Card'],
    issuer: 'did:example:issuer',
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: subject,
  });
  const documents = [
    card({ note: 'one blank node' }),
    card({ id: 'did:example:holder', note: 'no blank node' }),
    card({ part: [{ note: 'a' }, { note: 'b' }] }),
    card({ part: [{ note: 'same' }, { note: 'same' }] }),
    card({ classes: ['B', 'B', 'A'] }),
    card({ kind: ['Thing', 'https://test.vneid.example/vocab#Thing'] }),
    card({ kind: ['Thing', 'https://other.example/Thing'] }),
    card({ part: { note: 'x', part: { note: 'y' } } }),
  ];
  for (const document of documents) {
    const library = await canonicalThroughLibrary(document, documentLoader);
    let templatedCount = 0;
    for (let i = 0; i < 3; i++) {
      const ours = await canonicalThroughTemplate(document, documentLoader);
      if (!ours) continue;
      templatedCount++;
      t.deepEqual(ours, library, JSON.stringify(document.credentialSubject));
    }
    t.true(templatedCount >= 1, `templated: ${JSON.stringify(document.credentialSubject)}`);
  }
});

test('ephemeral keys: accepted exactly when WebCrypto accepts the SPKI ecdsa-multikey builds', async (t) => {
  const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
  const p = p256.Point.Fp.ORDER;
  const candidates: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const key = base58btc.decode((await generateKeyPair({ keyType: 'P-256' })).publicKeyMultibase);
    candidates.push(key);
    const flipped = Uint8Array.from(key);
    flipped[10] = flipped[10]! ^ 0x01;
    candidates.push(flipped);
  }
  const large = Buffer.from((p + 2n).toString(16).padStart(64, '0'), 'hex');
  candidates.push(Uint8Array.from([0x80, 0x24, 0x02, ...large]), Uint8Array.from([0x80, 0x24, 0x04, ...large]));
  candidates.push(Uint8Array.from([0x80, 0x24, 0x02, ...Buffer.alloc(32)]));
  let accepted = 0;
  for (const candidate of candidates) {
    const ours = ephemeralPublicKey(candidate) !== undefined;
    const webcrypto = await crypto.subtle
      .importKey('spki', Buffer.concat([prefix, candidate.subarray(2)]), { name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'verify',
      ])
      .then(
        () => true,
        () => false,
      );
    t.is(ours, webcrypto, Buffer.from(candidate).toString('hex'));
    if (ours) accepted++;
  }
  t.true(accepted >= 40 && accepted < candidates.length);
});

test('our CBOR encoding of base proof values is cborg’s, and our signatures are low-S', (t) => {
  for (let i = 0; i < 200; i++) {
    const bytes = (n: number) => Uint8Array.from(randomBytes(n));
    const value = {
      baseSignature: bytes(64),
      publicKey: bytes(35),
      hmacKey: bytes(32),
      signatures: Array.from({ length: i % 40 === 39 ? 300 : i % 30 }, () => bytes(64)),
      mandatoryPointers: ['/issuer', '/credentialSubject/tên', '/a~1b', 'x'.repeat(i * 3)].slice(0, i % 5),
    };
    const cborg = `u${Buffer.concat([
      Buffer.from([0xd9, 0x5d, 0x00]),
      encode([value.baseSignature, value.publicKey, value.hmacKey, value.signatures, value.mandatoryPointers]),
    ]).toString('base64url')}`;
    t.is(serializeBaseProofValue(value), cborg);
    t.deepEqual(parseBaseProofValue(cborg), value);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  for (let i = 0; i < 200; i++) {
    const data = randomBytes(40);
    const signature = signP256(privateKey, data);
    t.false(p256.Signature.fromBytes(signature, 'compact').hasHighS());
    t.true(verifyP256(publicKey, data, signature));
  }
});

test('property: across varied values, every fast base proof derives and verifies in the library, and every fast derivation is the library’s', async (t) => {
  const documentLoader = newLoader();
  const issuer = await generateKeyPair({ keyType: 'P-256' });
  const kind = TYPES[1]!;
  const alphabet = ['a', 'Ư', 'ễ', '"', '\\', '\n', '\t', ' ', '😀', '<', '>', '#', ':', '/', '0', 'e\u0301', '\u0000'];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const text = () =>
    Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
      '',
    );
  const holders = [
    () => `did:example:${Math.floor(random() * 1e9)}`,
    () => `urn:uuid:${randomUUID()}`,
    () => `https://holder.example/${Math.floor(random() * 1e6)}`,
    () => 'https://www.w3.org/2018/credentials#VerifiableCredential',
    () => 'https://vneid.gov.vn/vocab#fullName',
  ];
  const selectivePointers = ['/credentialSubject/licenceClasses', '/credentialSubject/fullName'];
  let fastSigned = 0;
  let fastDerived = 0;
  for (let i = 0; i < 40; i++) {
    const credential = credentialOf(kind, issuer.controller, holders[i % holders.length]!(), i);
    const subject = credential.credentialSubject as JsonObject;
    subject.fullName = text();
    subject.placeOfResidence = text();
    subject.licenceClasses = [{ licenceClass: text() }, { licenceClass: text(), dateOfExpiry: '2035-09-03' }];
    const mandatoryPointers = mandatoryPointersFor(credential);
    const signed =
      (await signSdBaseFast({ credential, key: issuer, documentLoader, mandatoryPointers, now: NOW })) ??
      (await signCredentialWithLibrary({
        credential,
        key: issuer,
        cryptosuite: 'ecdsa-sd-2023',
        documentLoader,
        mandatoryPointers,
        now: NOW,
      }));
    const library = await deriveCredential({ credential: signed, selectivePointers, documentLoader, fastPath: false });
    t.true(await plainLibraryVerifies(library, documentLoader), `#${i}: library derive + verify`);
    const mandatoryOnly = await deriveCredential({
      credential: signed,
      selectivePointers: [],
      documentLoader,
      fastPath: false,
    });
    t.true(await plainLibraryVerifies(mandatoryOnly, documentLoader), `#${i}: mandatory only`);
    const ours = await deriveSdFast({ credential: signed, selectivePointers, documentLoader });
    if (ours) {
      fastDerived++;
      t.deepEqual(ours, library, `#${i}: our derivation`);
    }
    if (
      parseBaseProofValue(proofOf(signed).proofValue)!.signatures.every(
        (s) => !p256.Signature.fromBytes(s, 'compact').hasHighS(),
      )
    ) {
      fastSigned++;
    }
  }
  t.true(fastSigned >= 10, `fast-signed (or all low-S by chance): ${fastSigned}`);
  t.true(fastDerived >= 10, `fast-derived: ${fastDerived}`);
});
