// The status cache on disk is treated as hostile (status-cache-tamper.test.ts): an edited
// encodedList or signed copy is caught. An entry must also BE the list of the key it is read
// under: copying the issuer's (genuine, signed, all-zero) standby revocation list into the key
// of the current list would otherwise un-revoke every credential in it.
import { join } from 'node:path';
import { createStatusList } from '@vneid/core';
import test from 'ava';
import { Level } from 'level';
import { openStatusCache, syncStatus, verifyCredential } from '../src/index.js';
import {
  bundleIssuer,
  createWorld,
  issue,
  LIST_BASE,
  NOW,
  publishLists,
  type StatusLists,
  statusIndex,
} from './helpers/world.js';

test('a genuine entry of another list copied under a list key on disk is refused as tampered, not read as that list', async (t) => {
  const standby: StatusLists = {
    revocation: { url: `${LIST_BASE}/revocation/2`, list: createStatusList() },
    suspension: { url: `${LIST_BASE}/suspension/2`, list: createStatusList() },
  };
  const w = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['CitizenIdentityCard', 'DrivingLicence'],
        statusLists: [
          `${LIST_BASE}/revocation/1`,
          `${LIST_BASE}/suspension/1`,
          standby.revocation.url,
          standby.suspension.url,
        ],
      }),
    ],
  });
  t.teardown(() => w.close());
  const revoked = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  w.lists.revocation.list.setStatus(statusIndex(revoked, 'revocation'), true);
  await publishLists(w);
  await publishLists(w, { lists: standby });
  t.true((await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch })).ok);
  const before = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(before.checks.find((c) => c.check === 'revocation')?.code, 'CREDENTIAL_REVOKED');
  await w.cache.close();

  // Someone with the device's disk: no signature is touched, one genuine entry is copied.
  const path = join(w.dir, 'status');
  const db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  await db.open();
  const standbyEntry = await db.get(`list:${standby.revocation.url}`);
  await db.put(`list:${w.lists.revocation.url}`, standbyEntry, { sync: true });
  await db.close();

  w.cache = await openStatusCache({ path });
  const after = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  const revocation = after.checks.find((c) => c.check === 'revocation');
  t.false(after.verified, `revoked credential verified; revocation check: ${JSON.stringify(revocation)}`);
  t.is(revocation?.code, 'STATUS_VERIFICATION_ERROR');
  // Its twin: entries read under their own keys are still believed.
  t.is(after.checks.find((c) => c.check === 'suspension')?.result, 'valid');
  t.deepEqual(await w.cache.get(standby.revocation.url), standbyEntry);
});

test('a re-sync replaces a swapped-in entry with the genuine list instead of refusing it as a rollback', async (t) => {
  const standby: StatusLists = {
    revocation: { url: `${LIST_BASE}/revocation/2`, list: createStatusList() },
    suspension: { url: `${LIST_BASE}/suspension/2`, list: createStatusList() },
  };
  const w = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['CitizenIdentityCard', 'DrivingLicence'],
        statusLists: [
          `${LIST_BASE}/revocation/1`,
          `${LIST_BASE}/suspension/1`,
          standby.revocation.url,
          standby.suspension.url,
        ],
      }),
    ],
  });
  t.teardown(() => w.close());
  const revoked = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  w.lists.revocation.list.setStatus(statusIndex(revoked, 'revocation'), true);
  await publishLists(w);
  // The standby list was (re-)signed a little later than the current one, as an issuer refreshing it would.
  await publishLists(w, { lists: standby, validFrom: new Date('2026-05-31T00:00:00Z') });
  t.true((await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch })).ok);
  await w.cache.close();
  const path = join(w.dir, 'status');
  const db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  await db.open();
  await db.put(`list:${w.lists.revocation.url}`, await db.get(`list:${standby.revocation.url}`), { sync: true });
  await db.close();
  w.cache = await openStatusCache({ path });
  const resync = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch, incremental: false });
  const after = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(
    after.checks.find((c) => c.check === 'revocation')?.code,
    'CREDENTIAL_REVOKED',
    `resync results: ${JSON.stringify(resync.results.map((r) => [r.url, r.result, r.code]))}`,
  );
  t.is(resync.results.find((r) => r.url === w.lists.revocation.url)?.result, 'updated');
  // Its twin: the genuine entry, once held, is kept (not replaced again) by the next sync.
  const older = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch, incremental: false });
  t.is(older.results.find((r) => r.url === w.lists.revocation.url)?.result, 'unchanged');
});
