import { join } from 'node:path';
import { createStatusList, encodeStatusList } from '@vneid/core';
import test, { type ExecutionContext } from 'ava';
import { Level } from 'level';
import { openStatusCache, syncStatus, type VerificationReport, verifyCredential } from '../src/index.js';
import { createWorld, issue, NOW, publishLists, statusIndex, type World } from './helpers/world.js';

function check(report: VerificationReport, name: string) {
  return report.checks.find((c) => c.check === name);
}

const LIST_KEY = (url: string) => `list:${url}`;

/** A world where one credential is revoked, its lists synced, and the cache closed (as after a restart). */
async function revokedWorld(t: ExecutionContext) {
  const w: World = await createWorld();
  t.teardown(() => w.close());
  const revoked = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  const good = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  w.lists.revocation.list.setStatus(statusIndex(revoked, 'revocation'), true);
  await publishLists(w);
  await publishLists(w, { issuer: w.university });
  t.true((await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch })).ok);
  await w.cache.close();
  return { w, revoked, good, path: join(w.dir, 'status') };
}

/** Edits one stored list directly in the LevelDB files, as someone with the device's disk would. */
async function editOnDisk(path: string, url: string, edit: (entry: Record<string, unknown>) => void): Promise<void> {
  const db = new Level<string, Record<string, unknown>>(path, { valueEncoding: 'json' });
  await db.open();
  const entry = await db.get(LIST_KEY(url));
  if (!entry) throw new Error('list not stored');
  edit(entry);
  await db.put(LIST_KEY(url), entry, { sync: true });
  await db.close();
}

test('an all-zero encodedList written into the cache on disk does not un-revoke a credential (STATUS_VERIFICATION_ERROR)', async (t) => {
  const { w, revoked, good, path } = await revokedWorld(t);
  const zero = await encodeStatusList(createStatusList());
  await editOnDisk(path, w.lists.revocation.url, (entry) => {
    entry.encodedList = zero;
  });
  w.cache = await openStatusCache({ path });
  const report = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.false(report.verified);
  t.is(check(report, 'revocation')?.result, 'invalid');
  t.is(check(report, 'revocation')?.code, 'STATUS_VERIFICATION_ERROR');
  // Nor can the edited list vouch for anyone else.
  const other = await verifyCredential(good, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.false(other.verified);
  t.is(check(other, 'revocation')?.code, 'STATUS_VERIFICATION_ERROR');
  // The next sync replaces the edited entry with the signed list again.
  const resync = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch });
  t.true(resync.ok, JSON.stringify(resync.results));
  const after = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(check(after, 'revocation')?.code, 'CREDENTIAL_REVOKED');
});

test('editing the signed copy in the cache too (list and credential) breaks its proof: STATUS_VERIFICATION_ERROR', async (t) => {
  const { w, revoked, path } = await revokedWorld(t);
  const zero = await encodeStatusList(createStatusList());
  await editOnDisk(path, w.lists.revocation.url, (entry) => {
    entry.encodedList = zero;
    const signed = entry.credential as { credentialSubject: Record<string, unknown> } | undefined;
    if (signed) signed.credentialSubject.encodedList = zero;
  });
  w.cache = await openStatusCache({ path });
  const report = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.false(report.verified);
  t.is(check(report, 'revocation')?.code, 'STATUS_VERIFICATION_ERROR');
});

test('a cache entry without its signed list (dropped on disk) is not trusted', async (t) => {
  const { w, good, path } = await revokedWorld(t);
  await editOnDisk(path, w.lists.revocation.url, (entry) => {
    delete entry.credential;
  });
  w.cache = await openStatusCache({ path });
  const report = await verifyCredential(good, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.false(report.verified);
  t.is(check(report, 'revocation')?.code, 'STATUS_VERIFICATION_ERROR');
});

test('an untouched cache reopened after a restart still reports the revocation and verifies the others', async (t) => {
  const { w, revoked, good, path } = await revokedWorld(t);
  w.cache = await openStatusCache({ path });
  const r1 = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(check(r1, 'revocation')?.code, 'CREDENTIAL_REVOKED');
  const r2 = await verifyCredential(good, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.true(r2.verified, JSON.stringify(r2.errors));
});

test('a sync marks only the lists it verified: an entry put into the cache another way is still checked', async (t) => {
  const w: World = await createWorld();
  t.teardown(() => w.close());
  const revoked = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  w.lists.revocation.list.setStatus(statusIndex(revoked, 'revocation'), true);
  await publishLists(w);
  await publishLists(w, { issuer: w.university });
  t.true((await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch })).ok);
  const synced = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(check(synced, 'revocation')?.code, 'CREDENTIAL_REVOKED');
  // Same process, same signed copy, another encodedList: not what the sync verified.
  const held = await w.cache.get(w.lists.revocation.url);
  if (!held) throw new Error('list not cached');
  const zero = await encodeStatusList(createStatusList());
  // Under the same date the cache itself refuses it (only a newer list replaces a held one) …
  t.false(await w.cache.put({ ...held, encodedList: zero }));
  const kept = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(check(kept, 'revocation')?.code, 'CREDENTIAL_REVOKED');
  // … so it claims a later date, which the cache takes: the status check must still catch it.
  t.true(await w.cache.put({ ...held, validFrom: '2026-05-31T00:00:00Z', encodedList: zero }));
  const report = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.false(report.verified);
  t.is(check(report, 'revocation')?.code, 'STATUS_VERIFICATION_ERROR');
});

test('an entry edited on disk to claim a later date does not block the genuine list: the next sync replaces it (only while it is still the entry held)', async (t) => {
  const { w, revoked, path } = await revokedWorld(t);
  const url = w.lists.revocation.url;
  const zero = await encodeStatusList(createStatusList());
  await editOnDisk(path, url, (entry) => {
    entry.validFrom = '2026-05-31T23:00:00Z';
    entry.encodedList = zero;
  });
  w.cache = await openStatusCache({ path });
  const tampered = await w.cache.get(url);
  const resync = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch });
  t.true(resync.ok, JSON.stringify(resync.results));
  t.is(resync.results.find((r) => r.url === url)?.result, 'updated');
  const genuine = await w.cache.get(url);
  t.is(genuine?.validFrom, '2026-05-30T00:00:00.000Z');
  const after = await verifyCredential(revoked, { bundle: w.loaded, statusCache: w.cache, now: NOW });
  t.is(check(after, 'revocation')?.code, 'CREDENTIAL_REVOKED');
  // Its twin: naming the edited entry no longer lets an older list in, now that the genuine one is held.
  t.false(await w.cache.put({ ...genuine!, validFrom: '2026-05-29T00:00:00Z' }, { replacing: tampered! }));
  t.is((await w.cache.get(url))?.validFrom, '2026-05-30T00:00:00.000Z');
});
