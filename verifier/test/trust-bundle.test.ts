import { createHash } from 'node:crypto';
import { canonicalJson, generateKeyPair, importKeyPair } from '@vneid/core';
import test from 'ava';
import { mutateEveryByte } from '../../packages/core/test/helpers/mutate.js';
import { readVector, readVectorJson } from '../../packages/core/test/helpers/vectors.js';
import {
  createTrustBundle,
  loadTrustBundle,
  signTrustBundle,
  syncStatus,
  type TrustBundle,
  verifyCredential,
} from '../src/index.js';
import { createJcsProof, jcsHashData, verifyJcsProof } from '../src/lib/eddsa-jcs.js';
import { bundleIssuer, createWorld, derive, issue, NOW, publishLists, type World } from './helpers/world.js';

const JCS = 'vc-di-eddsa/TestVectors/eddsa-jcs-2022';
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

test('eddsa-jcs-2022 W3C vectors: canonical document, proof configuration, hashes and signature are reproduced', async (t) => {
  const signed = readVectorJson(`${JCS}/signedJCS.json`);
  const { proof: _proof, ...unsecured } = signed;
  const config = readVectorJson<Record<string, string>>(`${JCS}/proofConfigJCS.json`);
  t.is(canonicalJson(unsecured), readVector(`${JCS}/canonDocJCS.txt`).trim());
  t.is(canonicalJson(config), readVector(`${JCS}/proofCanonJCS.txt`).trim());
  t.is(sha256(canonicalJson(unsecured)), readVector(`${JCS}/docHashJCS.txt`).trim());
  t.is(sha256(canonicalJson(config)), readVector(`${JCS}/proofHashJCS.txt`).trim());
  const { '@context': _ctx, ...configWithoutContext } = config;
  const hashData = jcsHashData(unsecured, configWithoutContext as never);
  t.is(Buffer.from(hashData).toString('hex'), readVector(`${JCS}/combinedHashJCS.txt`).trim());

  const keyMaterial = readVectorJson<Record<string, string>>('vc-di-eddsa/TestVectors/keyPair.json');
  const did = `did:key:${keyMaterial.publicKeyMultibase}`;
  const key = await importKeyPair({
    type: 'Multikey',
    keyType: 'Ed25519',
    id: `${did}#${keyMaterial.publicKeyMultibase}`,
    controller: did,
    publicKeyMultibase: keyMaterial.publicKeyMultibase!,
    secretKeyMultibase: keyMaterial.privateKeyMultibase!,
  });
  const proof = await createJcsProof(unsecured, {
    signer: key.signer(),
    verificationMethod: config.verificationMethod!,
    created: config.created!,
  });
  t.is(proof.proofValue, readVector(`${JCS}/sigBTC58JCS.txt`).trim());
  t.true(verifyJcsProof(signed, keyMaterial.publicKeyMultibase!));
});

test('eddsa-jcs-2022 W3C vector: every single-byte change of the signature, and any changed member, fails', (t) => {
  const signed = readVectorJson<Record<string, unknown> & { proof: Record<string, unknown> }>(`${JCS}/signedJCS.json`);
  const pk = readVectorJson<Record<string, string>>('vc-di-eddsa/TestVectors/keyPair.json').publicKeyMultibase!;
  let n = 0;
  for (const proofValue of mutateEveryByte(signed.proof.proofValue as string)) {
    t.false(verifyJcsProof({ ...signed, proof: { ...signed.proof, proofValue } }, pk));
    n += 1;
  }
  t.is(n, 64);
  t.false(verifyJcsProof({ ...signed, name: 'Forged Credential' }, pk));
  t.false(verifyJcsProof({ ...signed, proof: { ...signed.proof, created: '2023-02-24T23:36:39Z' } }, pk));
});

async function sampleBundle(
  version = 3,
  validUntil = new Date('2026-08-01T00:00:00Z'),
): Promise<{
  bundle: TrustBundle;
  anchor: Awaited<ReturnType<typeof generateKeyPair>>;
}> {
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const issuerKey = await generateKeyPair({
    keyType: 'P-256',
    controller: 'did:web:bocongan.gov.vn',
    id: 'did:web:bocongan.gov.vn#key-1',
  });
  const bundle = createTrustBundle({
    version,
    issuedAt: new Date('2026-05-01T00:00:00Z'),
    validUntil,
    issuers: [
      bundleIssuer(
        {
          did: 'did:web:bocongan.gov.vn',
          key: issuerKey,
          edKey: await generateKeyPair({
            keyType: 'Ed25519',
            controller: 'did:web:bocongan.gov.vn',
            id: 'did:web:bocongan.gov.vn#key-2',
          }),
        },
        {
          name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
          credentialTypes: ['CitizenIdentityCard'],
          statusLists: ['https://bocongan.gov.vn/status/1'],
        },
      ),
    ],
  });
  return { bundle: await signTrustBundle(bundle, anchor), anchor };
}

test('a bundle signed by the anchor loads as valid, from JSON text or object, and is frozen', async (t) => {
  const { bundle, anchor } = await sampleBundle();
  t.is(bundle.proof?.cryptosuite, 'eddsa-jcs-2022');
  const fromText = await loadTrustBundle(JSON.stringify(bundle), { anchorKey: anchor.publicKeyMultibase, now: NOW });
  t.is(fromText.status, 'valid');
  t.true(Object.isFrozen(fromText.bundle.issuers[0]));
  const fromKeyPair = await loadTrustBundle(bundle, { anchorKey: anchor, now: NOW });
  t.is(fromKeyPair.bundle.version, 3);
});

test('a forged bundle (other anchor key, or edited after signing) is refused with BUNDLE_SIGNATURE_INVALID', async (t) => {
  const { bundle, anchor } = await sampleBundle();
  const impostor = await generateKeyPair({ keyType: 'Ed25519' });
  const forged = await signTrustBundle(bundle, impostor);
  const e1 = await t.throwsAsync(loadTrustBundle(forged, { anchorKey: anchor.publicKeyMultibase, now: NOW }));
  t.is((e1 as { code?: string }).code, 'BUNDLE_SIGNATURE_INVALID');
  const edited = structuredClone(bundle);
  edited.issuers[0]!.credentialTypes.push('UniversityDegree');
  const e2 = await t.throwsAsync(loadTrustBundle(edited, { anchorKey: anchor.publicKeyMultibase, now: NOW }));
  t.is((e2 as { code?: string }).code, 'BUNDLE_SIGNATURE_INVALID');
});

test('a bundle past validUntil or older than maxAge loads as stale with BUNDLE_STALE', async (t) => {
  const { bundle, anchor } = await sampleBundle(3, new Date('2026-05-15T00:00:00Z'));
  const past = await loadTrustBundle(bundle, { anchorKey: anchor.publicKeyMultibase, now: NOW });
  t.is(past.status, 'stale');
  t.is(past.code, 'BUNDLE_STALE');
  const fresh = await sampleBundle();
  const old = await loadTrustBundle(fresh.bundle, {
    anchorKey: fresh.anchor.publicKeyMultibase,
    now: NOW,
    maxAge: 7 * 86400,
  });
  t.is(old.status, 'stale');
  const young = await loadTrustBundle(fresh.bundle, {
    anchorKey: fresh.anchor.publicKeyMultibase,
    now: NOW,
    maxAge: 60 * 86400,
  });
  t.is(young.status, 'valid');
});

test('a rolled-back bundle (older version, or same version with other content) is refused with BUNDLE_ROLLBACK', async (t) => {
  const { bundle: v3, anchor } = await sampleBundle(3);
  const current = (await loadTrustBundle(v3, { anchorKey: anchor, now: NOW })).bundle;
  const { proof: _p, ...unsigned } = v3;
  const v2 = await signTrustBundle({ ...unsigned, version: 2 }, anchor);
  const e1 = await t.throwsAsync(loadTrustBundle(v2, { anchorKey: anchor, now: NOW, current }));
  t.is((e1 as { code?: string }).code, 'BUNDLE_ROLLBACK');
  const fork = await signTrustBundle({ ...unsigned, validUntil: '2026-09-01T00:00:00.000Z' }, anchor);
  const e2 = await t.throwsAsync(loadTrustBundle(fork, { anchorKey: anchor, now: NOW, current }));
  t.is((e2 as { code?: string }).code, 'BUNDLE_ROLLBACK');
  // The same bundle again, and a newer one, are accepted.
  t.is((await loadTrustBundle(v3, { anchorKey: anchor, now: NOW, current })).status, 'valid');
  const v4 = await signTrustBundle({ ...unsigned, version: 4 }, anchor);
  t.is((await loadTrustBundle(v4, { anchorKey: anchor, now: NOW, current })).bundle.version, 4);
});

test('a malformed bundle is refused before its signature is trusted: DID shapes, unknown members, prototype keys', async (t) => {
  const { bundle, anchor } = await sampleBundle();
  const percent = structuredClone(bundle) as unknown as { issuers: Array<{ id: string }> };
  percent.issuers[0]!.id = 'did:web:gov.example%40attacker.example';
  const e1 = await t.throwsAsync(loadTrustBundle(percent, { anchorKey: anchor, now: NOW }));
  t.is((e1 as { code?: string }).code, 'MALFORMED_VALUE_ERROR');
  const extra = { ...structuredClone(bundle), trustEverything: true };
  const e2 = await t.throwsAsync(loadTrustBundle(extra, { anchorKey: anchor, now: NOW }));
  t.is((e2 as { code?: string }).code, 'MALFORMED_VALUE_ERROR');
  const proto = JSON.stringify(bundle).replace('"issuers":', '"__proto__":{"polluted":true},"issuers":');
  const e3 = await t.throwsAsync(loadTrustBundle(proto, { anchorKey: anchor, now: NOW }));
  t.is((e3 as { code?: string }).code, 'UNSAFE_JSON');
  const foreignKey = structuredClone(bundle);
  foreignKey.issuers[0]!.verificationMethods[0]!.id = 'did:web:attacker.example#key-1';
  const e4 = await t.throwsAsync(loadTrustBundle(foreignKey, { anchorKey: anchor, now: NOW }));
  t.is((e4 as { code?: string }).code, 'MALFORMED_VALUE_ERROR');
  const badDate = structuredClone(bundle);
  badDate.validUntil = 'next year';
  const e5 = await t.throwsAsync(loadTrustBundle(badDate, { anchorKey: anchor, now: NOW }));
  t.is((e5 as { code?: string }).code, 'MALFORMED_VALUE_ERROR');
});

test('verification refuses a bundle object that did not come from loadTrustBundle (TypeError)', async (t) => {
  const { bundle } = await sampleBundle();
  const world = await createWorld();
  t.teardown(() => world.close());
  await t.throwsAsync(verifyCredential({}, { bundle, statusCache: world.cache, now: NOW }), { instanceOf: TypeError });
});

let world: World;
test.before(async () => {
  world = await createWorld();
  await publishLists(world);
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
});
test.after.always(() => world?.close());

test('a bundle that loadTrustBundle judged stale by maxAge stays stale when verifying', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const loadedStale = await loadTrustBundle(world.bundle, {
    anchorKey: world.anchor.publicKeyMultibase,
    now: NOW,
    maxAge: 60,
  });
  t.is(loadedStale.status, 'stale');
  const report = await verifyCredential(vc, { bundle: loadedStale, statusCache: world.cache, now: NOW });
  t.false(report.verified);
  t.is(report.status, 'unknown');
  t.is(report.checks.find((c) => c.check === 'bundle')?.code, 'BUNDLE_STALE');
});

test('a credential checked under a stale bundle is unknown (BUNDLE_STALE), not verified; warn policy verifies with a warning', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const fresh = await verifyCredential(vc, { bundle: world.loaded, statusCache: world.cache, now: NOW });
  t.is(fresh.status, 'verified');
  const staleNow = new Date('2026-06-20T00:00:00Z');
  const stale = await verifyCredential(vc, {
    bundle: world.loaded,
    statusCache: world.cache,
    now: staleNow,
    bundleMaxAgeSeconds: 30 * 86400,
  });
  t.false(stale.verified);
  t.is(stale.status, 'unknown');
  t.is(stale.checks.find((c) => c.check === 'bundle')?.code, 'BUNDLE_STALE');
  t.deepEqual(
    stale.errors.map((e) => e.code),
    ['BUNDLE_STALE'],
  );
  const warned = await verifyCredential(vc, {
    bundle: world.loaded,
    statusCache: world.cache,
    now: staleNow,
    bundleMaxAgeSeconds: 30 * 86400,
    onUnknown: 'warn',
  });
  t.true(warned.verified);
  t.is(warned.status, 'unknown');
  t.deepEqual(
    warned.warnings.map((e) => e.code),
    ['BUNDLE_STALE'],
  );
});
