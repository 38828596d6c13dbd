import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase58, encodeBase58, generateKeyPair, type JsonObject } from '@vneid/core';
import test from 'ava';
import { readVectorJson, VECTOR_CONTEXTS } from '../../packages/core/test/helpers/vectors.js';
import {
  type BundleIssuer,
  createTrustBundle,
  loadTrustBundle,
  openStatusCache,
  type StatusCache,
  signTrustBundle,
  type TrustBundle,
  type VerificationProfile,
  type VerificationReport,
  verifyCredential,
} from '../src/index.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const P256 = 'zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP';
const ED25519 = 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2';
const SD = 'vc-di-ecdsa/TestVectors/ecdsa-sd-2023/employ';

const vectorKey = (pk: string) => ({
  id: `did:key:${pk}#${pk}`,
  type: 'Multikey' as const,
  publicKeyMultibase: pk,
  validFrom: '2023-01-01T00:00:00Z',
});

const issuers: BundleIssuer[] = [
  {
    id: 'https://vc.example/issuers/5678',
    name: { vi: 'Tổ chức ví dụ', en: 'Example issuer' },
    credentialTypes: ['AlumniCredential'],
    verificationMethods: [vectorKey(P256), vectorKey(ED25519)],
    statusLists: [],
  },
  {
    id: 'did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76',
    name: { vi: 'Cơ quan di trú ví dụ', en: 'Example immigration office' },
    credentialTypes: ['EmploymentAuthorizationDocumentCredential'],
    verificationMethods: [vectorKey(P256)],
    statusLists: [],
  },
];

let cache: StatusCache;
let dir: string;
let loaded: Readonly<TrustBundle>;
let withoutContexts: Readonly<TrustBundle>;

test.before(async () => {
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const make = async (extra: boolean, version: number) => {
    const bundle = createTrustBundle({
      version,
      issuedAt: new Date('2026-05-01T00:00:00Z'),
      validUntil: new Date('2026-08-01T00:00:00Z'),
      issuers,
      ...(extra ? { extraContexts: VECTOR_CONTEXTS } : {}),
    });
    return (await loadTrustBundle(await signTrustBundle(bundle, anchor), { anchorKey: anchor, now: NOW })).bundle;
  };
  loaded = await make(true, 1);
  withoutContexts = await make(false, 2);
  dir = await mkdtemp(join(tmpdir(), 'vneid-vectors-'));
  cache = await openStatusCache({ path: dir });
});
test.after.always(async () => {
  await cache?.close();
  await rm(dir, { recursive: true, force: true });
});

// The vectors come from issuers outside our rules: the general profile is the one that applies to them.
const verify = (vc: unknown, bundle = loaded, profile: VerificationProfile = 'general') =>
  verifyCredential(vc, { bundle, statusCache: cache, now: NOW, extraContexts: VECTOR_CONTEXTS, profile });
const check = (r: VerificationReport, name: string) => r.checks.find((c) => c.check === name);

for (const [name, path] of [
  ['eddsa-rdfc-2022', 'vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json'],
  ['ecdsa-rdfc-2019 (P-256)', 'vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/signedECDSAP256.json'],
  ['ecdsa-sd-2023 derived', `${SD}/derivedRevealDocument.json`],
] as const) {
  test(`W3C ${name} vector verifies when its key is in the bundle`, async (t) => {
    const report = await verify(readVectorJson(path));
    t.true(report.verified, JSON.stringify(report.errors));
    t.is(check(report, 'issuerTrusted')?.result, 'valid');
    t.is(check(report, 'schema')?.result, 'skipped');
    t.is(check(report, 'revocation')?.result, 'skipped');
    t.true((report.credentials[0]?.claims.length ?? 0) > 0);
  });
}

// The P-256 vector's signature has a high S: valid ECDSA, and the malleable
// twin of its low-S form. The citizen-document profile accepts one form only.
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_VECTOR = 'vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/signedECDSAP256.json';

function twinOf(vc: JsonObject): JsonObject {
  const proof = vc.proof as JsonObject;
  const signature = decodeBase58((proof.proofValue as string).slice(1)) as Uint8Array;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  const twin = new Uint8Array(64);
  twin.set(signature.subarray(0, 32));
  twin.set(Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return { ...vc, proof: { ...proof, proofValue: `z${encodeBase58(twin)}` } };
}

test('the citizen-document profile refuses the high-S W3C P-256 vector and accepts its low-S twin', async (t) => {
  const highS = readVectorJson(P256_VECTOR) as JsonObject;
  const refused = await verify(highS, loaded, 'citizen-document');
  t.false(refused.verified);
  t.is(check(refused, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  t.regex(refused.errors.map((e) => e.message).join(), /high S/);
  const lowS = twinOf(highS);
  t.true((await verify(lowS, loaded, 'citizen-document')).verified, 'the low-S form verifies');
  t.true((await verify(lowS, loaded, 'general')).verified, 'and so it does under the general profile');
});

test('an unknown profile name is caller misuse (TypeError)', async (t) => {
  await t.throwsAsync(verify({}, loaded, 'lenient' as VerificationProfile), { instanceOf: TypeError });
});

test('W3C ecdsa-sd-2023 base-proof vector is refused with BASE_PROOF_PRESENTED', async (t) => {
  const report = await verify(readVectorJson(`${SD}/addSignedSDBase.json`));
  t.is(check(report, 'proof')?.code, 'BASE_PROOF_PRESENTED');
});

test('W3C vectors fail with CONTEXT_NOT_ALLOWED when the bundle does not pin their example contexts', async (t) => {
  const report = await verify(
    readVectorJson('vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json'),
    withoutContexts,
  );
  t.is(check(report, 'context')?.code, 'CONTEXT_NOT_ALLOWED');
});

test('a W3C vector whose issuer is listed without its key fails with ISSUER_NOT_TRUSTED', async (t) => {
  const report = await verify(readVectorJson(`${SD}/derivedRevealDocument.json`));
  t.true(report.verified);
  const alumni = readVectorJson('vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json');
  const foreign = await verify({ ...alumni, issuer: 'did:key:zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76' });
  t.false(foreign.verified);
  t.is(check(foreign, 'issuerTrusted')?.code, 'ISSUER_NOT_TRUSTED');
});
