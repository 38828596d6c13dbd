import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@vneid/core';
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

const verify = (vc: unknown, bundle = loaded) =>
  verifyCredential(vc, { bundle, statusCache: cache, now: NOW, extraContexts: VECTOR_CONTEXTS });
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
