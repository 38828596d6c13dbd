import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOfflineDidResolver, generateKeyPair, type PresentationRequest } from '@vneid/core';
import { createIssuer, statusListIndex } from '@vneid/issuer';
import { registerCredentialType } from '@vneid/schemas';
import { openWallet } from '@vneid/wallet-core';
import test from 'ava';
import { fishingLicence } from '../../issuer/test/helpers/fishing-licence.js';
import {
  createTrustBundle,
  type FetchLike,
  loadTrustBundle,
  openStatusCache,
  signTrustBundle,
  syncStatus,
  verifyPresentation,
} from '../src/index.js';

// Document types are data: a fifth type registered with @vneid/schemas is
// issued, held, presented and verified with no code in issuer, wallet or verifier.
test('a test-only fifth type is issued, presented selectively and verified offline', async (t) => {
  registerCredentialType(fishingLicence());
  const dir = await mkdtemp(join(tmpdir(), 'vneid-fifth-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const baseUrl = 'http://127.0.0.1:8089';
  const issuer = await createIssuer({ dataDir: join(dir, 'issuer'), passphrase: 'fifth type passphrase', baseUrl });
  t.teardown(() => issuer.close());
  const ministry = await issuer.addMinistry({
    slug: 'bo-nong-nghiep',
    name: { vi: 'Bộ Nông nghiệp và Môi trường', en: 'Ministry of Agriculture and Environment' },
    role: 'MinistryOfAgricultureAndEnvironment',
  });
  t.deepEqual(ministry.credentialTypes, ['FishingLicence']);

  const wallet = await openWallet({
    path: join(dir, 'wallet'),
    passphrase: 'ví của ngư dân',
    resolver: createOfflineDidResolver({ documents: () => [issuer.didDocument('bo-nong-nghiep')] }),
  });
  t.teardown(() => wallet.close());
  const credential = await issuer.issue({
    ministry: 'bo-nong-nghiep',
    type: 'FishingLicence',
    subject: { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' },
    holder: wallet.holderDid,
  });
  await wallet.add(credential);

  const anchor = await generateKeyPair({
    keyType: 'Ed25519',
    controller: 'did:web:vneid.gov.vn',
    id: 'did:web:vneid.gov.vn#anchor',
  });
  const now = new Date();
  const bundle = await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: now,
      validUntil: new Date(now.getTime() + 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now },
  );
  const loaded = await loadTrustBundle(bundle, { anchorKey: anchor.publicKeyMultibase, now });
  const cache = await openStatusCache({ path: join(dir, 'status') });
  t.teardown(() => cache.close());
  // The one online step, served straight from the issuer library.
  // The bundle names the lists by prefix: the prefix serves their index.
  const fetch: FetchLike = async (url) =>
    new Response(
      JSON.stringify(
        url.endsWith('/') ? await statusListIndex(issuer) : await issuer.getStatusListCredential(url.split('/').pop()!),
      ),
      { status: 200 },
    );
  const synced = await syncStatus(loaded, { cache, now, fetch });
  t.true(synced.ok, JSON.stringify(synced.results));

  const challenge = 'kiem-tra-tau-ca-0001';
  const domain = 'kiemngu.example.vn';
  const request: PresentationRequest = {
    query: [
      {
        type: 'QueryByExample',
        credentialQuery: { example: { type: 'FishingLicence', credentialSubject: { vesselNumber: '' } } },
      },
    ],
    challenge,
    domain,
  };
  const { presentation } = await wallet.present(request, (await wallet.preview(request)).consent);
  t.false(JSON.stringify(presentation).includes('046079000123'), 'the ID number was not requested');
  const report = await verifyPresentation(presentation, {
    challenge,
    domain,
    request,
    bundle: loaded,
    statusCache: cache,
    now,
  });
  t.true(report.verified, JSON.stringify(report.errors));
  t.deepEqual(
    report.credentials[0]?.claims.map((c) => [c.field, c.value, c.label.vi]),
    [['vesselNumber', 'QB-91234-TS', 'Số đăng ký tàu cá']],
  );

  // Its negative twin: the same presentation replayed at another verifier.
  const wrong = await verifyPresentation(presentation, {
    challenge,
    domain: 'other.example.vn',
    request,
    bundle: loaded,
    statusCache: cache,
    now,
  });
  t.false(wrong.verified);
  t.true(wrong.checks.some((c) => c.check === 'domain' && c.code === 'DOMAIN_MISMATCH'));
});
