// The verifier's sync against the issuer's own status list routes (not an imitation): the index the
// issuer serves never signs inside the request (issue 11 §3), so a revocation not yet re-signed must
// still reach a device through it, and lists due for re-signing must not be downloaded until they are.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type JsonObject } from '@vneid/core';
import { createIssuer, statusListRouter } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import express from 'express';
import { DEV_MINISTRIES } from '../../issuer/src/dev/bootstrap.js';
import {
  createTrustBundle,
  loadTrustBundle,
  openStatusCache,
  signTrustBundle,
  syncStatus,
  verifyCredential,
} from '../src/index.js';

test('against the issuer’s routes: a revocation not yet re-signed is announced by the index and fetched; lists past their refresh period are skipped until re-signed in the background, then fetched', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-index-sync-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  let clock = Date.parse('2026-06-01T08:00:00Z');
  const now = () => new Date(clock);
  const app = express();
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const issuer = await createIssuer({
    dataDir: join(dir, 'issuer'),
    passphrase: 'một cụm mật khẩu dài cho thử nghiệm',
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    now,
    statusListValidity: 3600,
    statusListRefresh: 600,
    // As on PostgreSQL: a status change is a row update; the list is signed later.
    publishOnChange: false,
    statusListIndexCacheSeconds: 0,
  });
  t.teardown(() => issuer.close());
  app.use(statusListRouter(issuer, { now }));
  await issuer.addMinistry(DEV_MINISTRIES[0]!);
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const vc = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: structuredClone(fixtures.DrivingLicence),
    holder: holder.controller,
    suite: 'eddsa-rdfc-2022',
  } as never);
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const bundle = await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: now(),
      validUntil: new Date(clock + 30 * 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now: now() },
  );
  const loaded = await loadTrustBundle(bundle, { anchorKey: anchor.publicKeyMultibase, now: now() });
  const cache = await openStatusCache({ path: join(dir, 'status') });
  t.teardown(() => cache.close());
  const sync = () => syncStatus(loaded, { cache, now: now() });
  const revocation = async () => {
    const report = await verifyCredential(vc as JsonObject, { bundle: loaded, statusCache: cache, now: now() });
    return report.checks.find((c) => c.check === 'revocation');
  };
  const lists = issuer.statusListIds('bo-cong-an').length;

  const first = await sync();
  t.true(first.ok, JSON.stringify(first.results));
  t.is(first.stats.verified, lists);
  t.is((await revocation())?.result, 'valid');

  await issuer.revoke(vc.id as string);
  const afterRevoke = await sync();
  t.true(afterRevoke.ok, JSON.stringify(afterRevoke.results));
  t.is(afterRevoke.stats.verified, 2, 'the credential’s two lists, changed since their copies, are fetched');
  t.is(afterRevoke.stats.skipped, lists - 2);
  t.is((await revocation())?.code, 'CREDENTIAL_REVOKED');
  const settled = await sync();
  t.is(settled.stats.requests, 1, 'then only the index');

  // Past the refresh period the index still names the held copies (valid for 50 more minutes):
  // nothing is downloaded, and the issuer re-signs them in the background.
  clock += 601_000;
  const due = await sync();
  t.true(due.ok, JSON.stringify(due.results));
  t.is(due.stats.requests, 1);
  const deadline = Date.now() + 60_000;
  let refreshed = 0;
  while (refreshed < lists && Date.now() < deadline) {
    const index = await issuer.statusListIndex();
    refreshed = Object.values(Object.values(index.issuers)[0] ?? {}).filter((d) => Date.parse(d) >= clock).length;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  t.is(refreshed, lists, 'every list re-signed in the background');
  const after = await sync();
  t.true(after.ok, JSON.stringify(after.results));
  t.is(after.stats.verified, lists, 'each re-signed list fetched once');
  t.is((await revocation())?.code, 'CREDENTIAL_REVOKED');
});
