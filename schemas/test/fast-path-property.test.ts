/*
 * Issue 7: the fast canonicalization and Data Integrity paths of @vneid/core
 * (`canonize`, `signCredential`, `verifyCredentialProof`) against the plain
 * libraries (`…WithLibrary`, and @digitalbazaar/vc called directly), on
 * thousands of generated credentials of the four document types.
 *
 * Every case comes from a seed (printed on failure, with the credential);
 * `VNEID_PROPERTY_SEED=<uint32>|random` runs other cases. Real keys and real
 * signatures throughout; keys are fresh per run, credentials are not.
 */
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { createVerifyCryptosuite } from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  decodeBase58,
  deriveCredential,
  type ErrorCode,
  generateKeyPair,
  importKeyPair,
  type JsonObject,
  type KeyPair,
  mandatoryPointersFor,
  type ProofCheckResult,
  sdProofKind,
  signCredential,
  VneidError,
  verifyCredentialProof,
} from '@vneid/core';
import { canonizeWithLibrary, signCredentialWithLibrary, verifyCredentialProofWithLibrary } from '@vneid/core/testing';
import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';
import test, { type ExecutionContext } from 'ava';
import { registeredContexts } from '../src/index.js';
import {
  BUILTIN_TYPES,
  type BuiltinType,
  baseSeed,
  type ChangeKind,
  caseSeed,
  createRng,
  hostileVariant,
  insideValidity,
  type Rng,
  randomCredential,
  randomDidKey,
  tamperOneClaim,
} from './helpers/random-subjects.js';

/** Counts: ≥ 2,000 canonical forms, ≥ 300 signatures per rdfc suite, ≥ 50 selective-disclosure round trips. */
const N_CANONICAL = 2000;
const N_HOSTILE = 400;
const N_SIGNED = 300;
const N_NEGATIVE = 60;
const N_SD = 60;
/** Groups run this many at a time: signatures and hashing overlap with canonicalization. */
const BATCH = 8;
/** Cases per shape: the first sighting takes the library path, the second compiles a plan, the rest reuse it. */
const GROUP = 5;

// Every loader answer is bundled; a fast path that reached for the network would fail here.
forbidNetwork();

const BASE_SEED = baseSeed();
const documentLoader = createDocumentLoader({ contexts: registeredContexts() });

// ---------------------------------------------------------------------------
// Cases

interface Case {
  index: number;
  /** The case's value seed. */
  seed: number;
  type: BuiltinType;
  credential: JsonObject;
  /** The rest of the case's value stream, for choices made after the credential. */
  rng: Rng;
  /** The rest of its shape stream (shared by its group). */
  shape: Rng;
  label: string;
}

/**
 * Case `index` of stream `stream`; everything in it follows from its seeds
 * (and `issuer`, when given). Cases come in groups of `group` that share one
 * JSON shape (type, fields present, array lengths, key order) and differ in
 * every string, so that a per-shape plan compiled on a shape's second
 * sighting is held to the library on values it was not compiled from.
 */
function generated(stream: string, index: number, options: { group?: number; issuer?: string } = {}): Case {
  const group = options.group ?? 1;
  let salt = 0;
  for (const ch of stream) salt = (Math.imul(salt, 31) + (ch.codePointAt(0) ?? 0)) >>> 0;
  const shapeSeed = caseSeed((BASE_SEED ^ salt) >>> 0, Math.floor(index / group));
  const seed = caseSeed((BASE_SEED ^ salt ^ 0x5bd1e995) >>> 0, index);
  const shape = createRng(shapeSeed);
  const rng = createRng(seed);
  const type = BUILTIN_TYPES[Math.floor(index / group) % BUILTIN_TYPES.length] as BuiltinType;
  const issuerDid = options.issuer ?? (rng.bool() ? randomDidKey(rng) : 'did:web:vneid.gov.vn:issuers:bo-cong-an');
  const credential = randomCredential(type, shape, issuerDid, rng);
  const label = `${stream} case ${index} (${type}, shape seed ${shapeSeed}, value seed ${seed}; rerun with VNEID_PROPERTY_SEED=${BASE_SEED})`;
  return { index, seed, type, credential, rng, shape, label };
}

/** Indices 0..n-1 cut into groups of `size`: a group runs in order (its shape is seen, compiled, then reused), groups run `BATCH` at a time. */
function groupsOf(n: number, size: number): number[][] {
  return Array.from({ length: Math.ceil(n / size) }, (_, g) =>
    range(Math.min(size, n - g * size)).map((j) => g * size + j),
  );
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Runs `fn` over `items`, `BATCH` at a time; the first failure fails the test. */
async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await Promise.all(items.slice(i, i + BATCH).map(fn));
}

/** Runs one case; if it fails, logs its label and the credential so that it reproduces. */
async function inCase(t: ExecutionContext, label: string, credential: unknown, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const json = JSON.stringify(credential);
    t.log(`failing case: ${label}\n${json.length > 6000 ? `${json.slice(0, 6000)}…` : json}`);
    throw error;
  }
}

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= make();
    return promise;
  };
}

/** The error code a path threw, or the N-Quads it produced. */
async function outcome(run: Promise<string>): Promise<{ nquads: string } | { code: ErrorCode | 'NOT_A_VNEID_ERROR' }> {
  try {
    return { nquads: await run };
  } catch (error) {
    return { code: error instanceof VneidError ? error.code : 'NOT_A_VNEID_ERROR' };
  }
}

// ---------------------------------------------------------------------------
// Verifying: the differential helper and the plain library called directly

type Expected = { verified: true } | { verified: false; code: ErrorCode };

const verdict = (r: ProofCheckResult) => ({
  verified: r.verified,
  code: r.error?.code,
  verificationMethod: r.verificationMethod,
});

/**
 * Runs `verifyCredentialProof` and `verifyCredentialProofWithLibrary` on the
 * same document: the fast verdict must equal the library's (verified, error
 * code, verification method) and both must be `expected`. The fast path must
 * not change its input. `bindIssuer: false` checks integrity only.
 */
async function assertSameVerdict(
  t: ExecutionContext,
  credential: JsonObject,
  expected: Expected,
  label: string,
  bindIssuer = true,
): Promise<void> {
  const before = JSON.stringify(credential);
  const [fast, library] = await Promise.all([
    verifyCredentialProof({ credential, documentLoader, bindIssuer }),
    verifyCredentialProofWithLibrary({ credential: structuredClone(credential), documentLoader, bindIssuer }),
  ]);
  t.deepEqual(verdict(fast), verdict(library), `fast and library verdicts differ: ${label}`);
  t.deepEqual(
    { verified: library.verified, code: library.error?.code },
    { verified: expected.verified, code: expected.verified ? undefined : expected.code },
    `unexpected verdict: ${label}`,
  );
  t.is(JSON.stringify(credential), before, `verifyCredentialProof changed its input: ${label}`);
}

const RDFC_SUITES = {
  'eddsa-rdfc-2022': { keyType: 'Ed25519', cryptosuite: eddsaRdfc2022 },
  'ecdsa-rdfc-2019': { keyType: 'P-256', cryptosuite: ecdsaRdfc2019 },
} as const;
type RdfcSuite = keyof typeof RDFC_SUITES;

/** @digitalbazaar/vc itself, with one suite, our static loader and an instant inside the validity window. */
async function plainVerify(
  credential: JsonObject,
  cryptosuite: unknown,
): Promise<{ verified: boolean; detail: string }> {
  const result = await vc.verifyCredential({
    credential: structuredClone(credential),
    suite: new DataIntegrityProof({ cryptosuite }),
    documentLoader,
    now: insideValidity(credential),
    // Status is not the subject here; vc refuses a credential with credentialStatus and no checker.
    checkStatus: async () => ({ verified: true }),
  });
  const error = result.error ?? result.results?.[0]?.error;
  return { verified: result.verified === true, detail: String(error?.message ?? error ?? '').slice(0, 300) };
}

// ---------------------------------------------------------------------------
// (a) canonical forms

test(`${N_CANONICAL} generated credentials and their proof options canonicalize to byte-identical N-Quads on the fast and the library path`, async (t) => {
  t.log(`base seed ${BASE_SEED}`);
  const perType = new Map<string, number>();
  await inBatches(groupsOf(N_CANONICAL, GROUP), async (group) => {
    for (const i of group) await canonicalCase(t, i, perType);
  });
  t.deepEqual(
    [...perType.values()],
    BUILTIN_TYPES.map(() => N_CANONICAL / BUILTIN_TYPES.length),
  );
});

async function canonicalCase(t: ExecutionContext, i: number, perType: Map<string, number>): Promise<void> {
  const c = generated('canonical', i, { group: GROUP });
  const proofOptions = proofOptionsFor(c);
  await inCase(t, c.label, { credential: c.credential, proofOptions }, async () => {
    const before = JSON.stringify(c.credential);
    const [fast, library] = await Promise.all([
      canonize(c.credential, { documentLoader }),
      canonizeWithLibrary(c.credential, { documentLoader }),
    ]);
    t.is(fast, library, `canonical credential differs: ${c.label}`);
    t.is(JSON.stringify(c.credential), before, `canonize changed its input: ${c.label}`);
    // Not vacuous: a real graph, with the subject's claims in it.
    t.true(library.endsWith(' .\n') && library.includes('<https://vneid.gov.vn/vocab#'), c.label);
    const [fastProof, libraryProof] = await Promise.all([
      canonize(proofOptions, { documentLoader }),
      canonizeWithLibrary(proofOptions, { documentLoader }),
    ]);
    t.is(fastProof, libraryProof, `canonical proof options differ: ${c.label}`);
    t.true(libraryProof.includes('<https://w3id.org/security#cryptosuite>'), c.label);
  });
  perType.set(c.type, (perType.get(c.type) ?? 0) + 1);
}

/** A proof options document as the rdfc suites canonicalize it: the proof without proofValue, with a @context. */
function proofOptionsFor(c: Case): JsonObject {
  const { rng, credential } = c;
  const issuer = credential.issuer as string;
  const entries: Array<[string, unknown]> = [
    ['@context', rng.pick([credential['@context'], [CREDENTIALS_V2_CONTEXT_URL], DATA_INTEGRITY_V2_CONTEXT_URL])],
    ['type', 'DataIntegrityProof'],
    ['cryptosuite', rng.pick(['eddsa-rdfc-2022', 'ecdsa-rdfc-2019', 'ecdsa-sd-2023'])],
    ['created', rng.bool() ? credential.validFrom : insideValidity(credential).toISOString()],
    [
      'verificationMethod',
      issuer.startsWith('did:key:') ? `${issuer}#${issuer.slice(8)}` : `${issuer}#key-${rng.int(1, 9)}`,
    ],
    ['proofPurpose', rng.pick(['assertionMethod', 'authentication'])],
  ];
  return Object.fromEntries(rng.bool(0.3) ? rng.shuffle(entries) : entries);
}

test(`${N_HOSTILE} credentials with values outside the schemas (control characters, lone surrogates, numbers, null, duplicate set members, undefined terms) canonicalize identically or are refused with the same code`, async (t) => {
  const refused = new Map<string, number>();
  await inBatches(groupsOf(N_HOSTILE, GROUP), async (group) => {
    for (const i of group) await hostileCase(t, i, refused);
  });
  t.log(`refused by both paths: ${JSON.stringify(Object.fromEntries(refused))} of ${N_HOSTILE}`);
  // Exactly the documents with an undefined term are refused: the library canonicalizes all other hostile values.
  t.deepEqual(Object.fromEntries(refused), { JSONLD_SAFE_MODE_ERROR: N_HOSTILE / 10 });
});

async function hostileCase(t: ExecutionContext, i: number, refused: Map<string, number>): Promise<void> {
  const c = generated('hostile', i, { group: GROUP });
  // Same structural choices across the group (from the shape stream), hostile strings from each case's own stream.
  const document = hostileVariant(c.credential, c.shape, c.rng);
  // Every tenth document (the last of every other group) also carries a term no context defines:
  // safe mode must refuse it on both paths.
  const undefinedTerm = i % 10 === 9;
  if (undefinedTerm) (document.credentialSubject as JsonObject)[c.rng.pick(['nickname', 'fullname', 'tên'])] = 'x';
  await inCase(t, c.label, document, async () => {
    const [fast, library] = await Promise.all([
      outcome(canonize(document, { documentLoader })),
      outcome(canonizeWithLibrary(document, { documentLoader })),
    ]);
    t.deepEqual(fast, library, `fast and library canonicalization differ: ${c.label}`);
    if (undefinedTerm) t.deepEqual(library, { code: 'JSONLD_SAFE_MODE_ERROR' }, c.label);
    if ('code' in library) refused.set(library.code, (refused.get(library.code) ?? 0) + 1);
  });
}

// ---------------------------------------------------------------------------
// (b) signatures, both ways

interface SignedCase extends Case {
  key: KeyPair;
  now: Date;
  /** Signed by signCredential. */
  fast: JsonObject;
  /** Signed by signCredentialWithLibrary with the same key and time. */
  library: JsonObject;
  inputUnchanged: boolean;
}

const signedCases: Record<RdfcSuite, () => Promise<{ keys: KeyPair[]; cases: SignedCase[] }>> = {
  'eddsa-rdfc-2022': memo(() => signAll('eddsa-rdfc-2022')),
  'ecdsa-rdfc-2019': memo(() => signAll('ecdsa-rdfc-2019')),
};

async function signAll(suite: RdfcSuite): Promise<{ keys: KeyPair[]; cases: SignedCase[] }> {
  const keys = await Promise.all(range(3).map(() => generateKeyPair({ keyType: RDFC_SUITES[suite].keyType })));
  const cases: SignedCase[] = [];
  await inBatches(groupsOf(N_SIGNED, GROUP), async (group) => {
    for (const i of group) cases[i] = await signOne(suite, i, keys[i % keys.length] as KeyPair);
  });
  return { keys, cases };
}

async function signOne(suite: RdfcSuite, i: number, key: KeyPair): Promise<SignedCase> {
  const c = generated(suite, i, { group: GROUP, issuer: key.controller });
  const now = insideValidity(c.credential);
  const before = JSON.stringify(c.credential);
  const options = { credential: c.credential, key, cryptosuite: suite, documentLoader, now };
  try {
    const fast = await signCredential(options);
    const inputUnchanged = JSON.stringify(c.credential) === before;
    const library = await signCredentialWithLibrary(options);
    return { ...c, key, now, fast, library, inputUnchanged };
  } catch (error) {
    throw new Error(`signing failed: ${c.label}: ${JSON.stringify(c.credential).slice(0, 6000)}`, { cause: error });
  }
}

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The `s` half of a base58btc multibase P1363 P-256 signature, or undefined if it is not one. */
function p256S(proofValue: unknown): bigint | undefined {
  if (typeof proofValue !== 'string' || !proofValue.startsWith('z')) return undefined;
  const bytes = decodeBase58(proofValue.slice(1));
  if (bytes?.length !== 64) return undefined;
  return BigInt(`0x${Buffer.from(bytes.subarray(32)).toString('hex')}`);
}

for (const suite of Object.keys(RDFC_SUITES) as RdfcSuite[]) {
  const { cryptosuite } = RDFC_SUITES[suite];

  test(`${suite}: ${N_SIGNED} generated credentials signed by signCredential verify with plain @digitalbazaar/vc and with verifyCredentialProofWithLibrary`, async (t) => {
    const { cases } = await signedCases[suite]();
    t.is(cases.length, N_SIGNED);
    await inBatches(cases, async (c) => {
      await inCase(t, c.label, c.fast, async () => {
        t.true(c.inputUnchanged, `signCredential changed its input: ${c.label}`);
        const proof = c.fast.proof as JsonObject;
        t.like(proof, { type: 'DataIntegrityProof', cryptosuite: suite, verificationMethod: c.key.id }, c.label);
        const plain = await plainVerify(c.fast, cryptosuite);
        t.true(plain.verified, `plain @digitalbazaar/vc refused it (${plain.detail}): ${c.label}`);
        const library = await verifyCredentialProofWithLibrary({ credential: c.fast, documentLoader });
        t.deepEqual(verdict(library), { verified: true, code: undefined, verificationMethod: c.key.id }, c.label);
      });
    });
  });

  test(`${suite}: the same credentials signed by signCredentialWithLibrary verify with verifyCredentialProof`, async (t) => {
    const { cases } = await signedCases[suite]();
    t.is(cases.length, N_SIGNED);
    await inBatches(cases, async (c) => {
      await inCase(t, c.label, c.library, async () => {
        const fast = await verifyCredentialProof({ credential: c.library, documentLoader });
        t.deepEqual(verdict(fast), { verified: true, code: undefined, verificationMethod: c.key.id }, c.label);
        if (suite === 'ecdsa-rdfc-2019') {
          // The fast-signed twin differs (random nonce), so it is a second document for the fast verifier.
          const own = await verifyCredentialProof({ credential: c.fast, documentLoader });
          t.deepEqual(verdict(own), { verified: true, code: undefined, verificationMethod: c.key.id }, c.label);
        }
      });
    });
  });
}

test(`eddsa-rdfc-2022: signCredential and signCredentialWithLibrary produce byte-identical signed credentials for the same key and time (${N_SIGNED} credentials)`, async (t) => {
  const { cases } = await signedCases['eddsa-rdfc-2022']();
  t.is(cases.length, N_SIGNED);
  for (const c of cases) {
    await inCase(t, c.label, c.library, async () => {
      t.is(JSON.stringify(c.fast), JSON.stringify(c.library), `signed credentials differ: ${c.label}`);
      t.regex((c.fast.proof as JsonObject).proofValue as string, /^z[1-9A-HJ-NP-Za-km-z]{80,90}$/, c.label);
    });
  }
});

test(`ecdsa-rdfc-2019: signCredential's signed credentials equal the library's but for the randomized proofValue, a low-S P-256 signature (${N_SIGNED} credentials)`, async (t) => {
  const { cases } = await signedCases['ecdsa-rdfc-2019']();
  t.is(cases.length, N_SIGNED);
  const withoutProofValue = (signed: JsonObject) =>
    JSON.stringify({ ...signed, proof: { ...(signed.proof as JsonObject), proofValue: undefined } });
  const distinct = new Set<string>();
  for (const c of cases) {
    await inCase(t, c.label, c.library, async () => {
      t.is(withoutProofValue(c.fast), withoutProofValue(c.library), `signed credentials differ: ${c.label}`);
      for (const signed of [c.fast, c.library]) {
        const s = p256S((signed.proof as JsonObject).proofValue);
        t.not(s, undefined, `proofValue is not a base58btc 64-byte signature: ${c.label}`);
        // WebCrypto may return either S; core normalizes to low S so strict verifiers (noble, HSMs) accept it.
        t.true(s !== undefined && s > 0n && s <= P256_ORDER >> 1n, `high-S signature: ${c.label}`);
      }
      distinct.add((c.fast.proof as JsonObject).proofValue as string);
    });
  }
  t.is(distinct.size, N_SIGNED, 'every signature is distinct');
});

// ---------------------------------------------------------------------------
// (c) negative twins, each checked on both paths

const WRONG_CRYPTOSUITES: Record<RdfcSuite, string[]> = {
  'eddsa-rdfc-2022': [
    'ecdsa-rdfc-2019',
    'ecdsa-sd-2023',
    'eddsa-jcs-2022',
    'eddsa-rdfc-2019',
    'EDDSA-RDFC-2022',
    'eddsa-rdfc-2022 ',
    '',
  ],
  'ecdsa-rdfc-2019': [
    'eddsa-rdfc-2022',
    'ecdsa-sd-2023',
    'ecdsa-jcs-2019',
    'ecdsa-rdfc-2020',
    'ECDSA-RDFC-2019',
    ' ecdsa-rdfc-2019',
    '',
  ],
};

/** Terms no context defines, some a letter's case or a space away from defined ones. */
const UNDEFINED_TERMS = [
  'nickname',
  'fullname',
  'FullName',
  'fullName ',
  'tên',
  'licenceclass',
  'dateofexpiry',
  'ghiChu',
];

const PROOF_FAILS: Expected = { verified: false, code: 'PROOF_VERIFICATION_ERROR' };

for (const suite of Object.keys(RDFC_SUITES) as RdfcSuite[]) {
  test(`${suite}: one changed claim (a character, a date, a licence class or status entry, an optional field added or removed) fails on both paths with PROOF_VERIFICATION_ERROR (${N_SIGNED} credentials)`, async (t) => {
    const { cases } = await signedCases[suite]();
    const kinds = new Map<ChangeKind, number>();
    await inBatches(cases, async (c) => {
      const { credential, change, kind } = tamperOneClaim(c.fast, createRng(caseSeed(c.seed, 1)));
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      await inCase(t, `${c.label}; ${change}`, credential, () =>
        assertSameVerdict(t, credential, PROOF_FAILS, `${change}; ${c.label}`),
      );
    });
    t.log(`changes: ${JSON.stringify(Object.fromEntries(kinds))}`);
    t.deepEqual(
      [...kinds.keys()].sort(),
      ['a character', 'a date', 'a field added', 'a field removed', 'a number', 'an array element'],
      'every kind of change was made',
    );
  });

  test(`${suite}: an issuer swapped for another did:key fails on both paths with PROOF_VERIFICATION_ERROR (UNSAFE_JSON when it names ecdsa-sd-2023 over a value that library would relabel)`, async (t) => {
    const { keys, cases } = await signedCases[suite]();
    await inBatches(cases.slice(0, N_NEGATIVE), async (c) => {
      const other = keys.find((k) => k.controller !== c.key.controller) as KeyPair;
      const issuer = c.index % 2 === 0 ? other.controller : randomDidKey(createRng(caseSeed(c.seed, 2)));
      const credential = { ...c.fast, issuer };
      await inCase(t, c.label, credential, () =>
        assertSameVerdict(t, credential, PROOF_FAILS, `issuer ${issuer}; ${c.label}`),
      );
    });
  });

  test(`${suite}: a proof made with another key fails on both paths with PROOF_VERIFICATION_ERROR; integrity-only checks agree too`, async (t) => {
    const { keys, cases } = await signedCases[suite]();
    await inBatches(cases.slice(0, N_NEGATIVE), async (c) => {
      const other = keys.find((k) => k.id !== c.key.id) as KeyPair;
      // 0: the other key under its own id (a valid signature by a key the issuer does not control);
      // 1, 2: the other key's secret under this key's id and controller (signed fast, then by the library).
      // Variant 1 also catches a signer cache keyed by key id alone.
      const variant = c.index % 3;
      const key =
        variant === 0
          ? other
          : await importKeyPair({
              ...other.export({ includeSecret: true }),
              id: c.key.id,
              controller: c.key.controller,
            });
      const sign = variant === 2 ? signCredentialWithLibrary : signCredential;
      const credential = await sign({ credential: c.credential, key, cryptosuite: suite, documentLoader, now: c.now });
      t.is((credential.proof as JsonObject).verificationMethod, key.id);
      const what = [
        'the other key, own id',
        'the other key posing as this one (signCredential)',
        'the other key posing as this one (library)',
      ][variant];
      await inCase(t, c.label, credential, async () => {
        await assertSameVerdict(t, credential, PROOF_FAILS, `${what}; ${c.label}`);
        // Integrity only (the verifier's trust-bundle mode): the other key's own signature is intact, a posing one is not.
        const integrity: Expected = variant === 0 ? { verified: true } : PROOF_FAILS;
        await assertSameVerdict(t, credential, integrity, `${what}, integrity only; ${c.label}`, false);
      });
    });
  });

  test(`${suite}: a term no context defines, added after signing, is refused on both paths (JSONLD_SAFE_MODE_ERROR; inside the proof, the strict proof form's PROOF_VERIFICATION_ERROR)`, async (t) => {
    const { cases } = await signedCases[suite]();
    await inBatches(cases.slice(0, N_NEGATIVE), async (c) => {
      const rng = createRng(caseSeed(c.seed, 3));
      const credential = structuredClone(c.fast);
      const term = rng.pick(UNDEFINED_TERMS);
      const classes = (credential.credentialSubject as JsonObject).licenceClasses as JsonObject[] | undefined;
      const where = rng.pick(['credentialSubject', 'credential', 'proof', ...(classes ? ['licenceClass'] : [])]);
      const target =
        where === 'credentialSubject'
          ? (credential.credentialSubject as JsonObject)
          : where === 'credential'
            ? credential
            : where === 'proof'
              ? (credential.proof as JsonObject)
              : (rng.pick(classes ?? []) as JsonObject);
      target[term] = rng.pick(['x', 'Nguyễn', '2024-01-01']);
      await inCase(t, c.label, credential, () =>
        assertSameVerdict(
          t,
          credential,
          // A member the suite does not define inside the proof is refused by the strict proof form first.
          where === 'proof' ? PROOF_FAILS : { verified: false, code: 'JSONLD_SAFE_MODE_ERROR' },
          `${where}.${term}; ${c.label}`,
        ),
      );
    });
  });

  test(`${suite}: a wrong cryptosuite name in the proof fails on both paths with PROOF_VERIFICATION_ERROR (UNSAFE_JSON when it names ecdsa-sd-2023 over a value that library would relabel)`, async (t) => {
    const { cases } = await signedCases[suite]();
    await inBatches(cases.slice(0, N_NEGATIVE), async (c) => {
      const name = WRONG_CRYPTOSUITES[suite][c.index % WRONG_CRYPTOSUITES[suite].length] as string;
      const credential = { ...c.fast, proof: { ...(c.fast.proof as JsonObject), cryptosuite: name } };
      // Named as ecdsa-sd-2023, a value the sd library would relabel is refused before any proof work.
      const expected =
        name === 'ecdsa-sd-2023' && /_:|urn:bnid:/.test(JSON.stringify(c.fast.credentialSubject))
          ? { verified: false as const, code: 'UNSAFE_JSON' as const }
          : PROOF_FAILS;
      await inCase(t, c.label, credential, () =>
        assertSameVerdict(t, credential, expected, `cryptosuite ${JSON.stringify(name)}; ${c.label}`),
      );
    });
  });
}

// ---------------------------------------------------------------------------
// (d) ecdsa-sd-2023

/** A non-empty random set of claims to disclose: whole fields, and now and then one licence class or facility field. */
function selectivePointersFor(credential: JsonObject, rng: Rng): string[] {
  const subject = credential.credentialSubject as JsonObject;
  const fields = Object.keys(subject).filter((k) => k !== 'id');
  const chosen = rng.shuffle(fields).slice(0, rng.int(1, fields.length));
  return chosen.map((field) => {
    const value = subject[field];
    if (Array.isArray(value) && rng.bool(0.4)) return `/credentialSubject/${field}/${rng.int(0, value.length - 1)}`;
    if (value && typeof value === 'object' && !Array.isArray(value) && rng.bool(0.4)) {
      return `/credentialSubject/${field}/${rng.pick(Object.keys(value))}`;
    }
    return `/credentialSubject/${field}`;
  });
}

test(`ecdsa-sd-2023: ${N_SD} generated credentials signed by signCredential and derived for random pointers verify with plain @digitalbazaar/vc and with verifyCredentialProof; a changed disclosed claim fails on both paths`, async (t) => {
  const keys = await Promise.all(range(2).map(() => generateKeyPair({ keyType: 'P-256' })));
  const verifySuite = new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() });
  await inBatches(range(N_SD), async (i) => {
    const key = keys[i % keys.length] as KeyPair;
    const c = generated('ecdsa-sd-2023', i, { issuer: key.controller });
    // A `_:` token or `<urn:bnid:…>` in a disclosed text breaks ecdsa-sd-2023 (library defect, pinned below):
    // these cases spell them `_-` and `<urn:bnid-`. The rdfc suites above keep them.
    const credential = JSON.parse(
      JSON.stringify(c.credential).replaceAll('_:', '_-').replaceAll('<urn:bnid:', '<urn:bnid-'),
    ) as JsonObject;
    const mandatoryPointers = mandatoryPointersFor(credential);
    const selectivePointers = selectivePointersFor(credential, c.rng);
    const label = `${c.label}; mandatory ${JSON.stringify(mandatoryPointers)}; selective ${JSON.stringify(selectivePointers)}`;
    await inCase(t, label, credential, async () => {
      const signed = await signCredential({
        credential,
        key,
        cryptosuite: 'ecdsa-sd-2023',
        documentLoader,
        now: insideValidity(credential),
        mandatoryPointers,
      });
      t.is(sdProofKind((signed.proof as JsonObject).proofValue), 'base', label);
      const derived = await deriveCredential({ credential: signed, selectivePointers, documentLoader });
      t.is(sdProofKind((derived.proof as JsonObject).proofValue), 'derived', label);
      // Exactly the selected fields are shown: the derivation really withheld the others.
      const shown = Object.keys(derived.credentialSubject as JsonObject).filter((k) => k !== 'id');
      const selectedFields = new Set(selectivePointers.map((p) => p.split('/')[2]));
      t.deepEqual(shown.sort(), [...selectedFields].sort(), label);
      const plain = await vc.verifyCredential({
        credential: structuredClone(derived),
        suite: verifySuite,
        documentLoader,
        now: insideValidity(credential),
        checkStatus: async () => ({ verified: true }),
      });
      t.true(plain.verified, `plain @digitalbazaar/vc refused the derived credential: ${label}`);
      await assertSameVerdict(t, derived, { verified: true }, label);
      const { credential: tampered, change } = tamperOneClaim(derived, createRng(caseSeed(c.seed, 4)));
      await assertSameVerdict(t, tampered, PROOF_FAILS, `${change}; ${label}`);
    });
  });
});

// The library's blank-node-lookalike defect and our refusal of such values are tested in
// packages/core/test/sd-label-lookalikes.test.ts (the three test.failing tests here could never pass).

test.after('nothing reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});
