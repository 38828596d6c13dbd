import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateKeyPair, type JsonObject } from '@vneid/core';
import test, { type ExecutionContext } from 'ava';
import {
  createMemoryStatusCache,
  type FetchLike,
  loadTrustBundle,
  openStatusCache,
  signTrustBundle,
  syncStatus,
  type VerificationReport,
  verifyCredential,
} from '../src/index.js';
import {
  bundleIssuer,
  createWorld,
  derive,
  issue,
  NOW,
  publishLists,
  statusIndex,
  type World,
} from './helpers/world.js';

function check(report: VerificationReport, name: string) {
  return report.checks.find((c) => c.check === name);
}

async function setup(t: { teardown(fn: () => unknown): void }): Promise<World> {
  const w = await createWorld();
  t.teardown(() => w.close());
  return w;
}

const sync = (w: World, now = NOW) => syncStatus(w.loaded, { cache: w.cache, now, fetch: w.fetch });
const verify = (w: World, vc: unknown, extra: Partial<Parameters<typeof verifyCredential>[1]> = {}) =>
  verifyCredential(vc, { bundle: w.loaded, statusCache: w.cache, now: NOW, ...extra });

test('sync stores every verified list; verification then reads only the cache', async (t) => {
  const w = await setup(t);
  await publishLists(w);
  await publishLists(w, { issuer: w.university });
  const report = await sync(w);
  t.true(report.ok);
  t.deepEqual(
    report.results.map((r) => r.result),
    ['updated', 'updated', 'updated', 'updated'],
  );
  t.is((await w.cache.get(w.lists.revocation.url))?.statusPurpose, 'revocation');
  const again = await sync(w);
  t.deepEqual(
    again.results.map((r) => r.result),
    ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
  );
  w.fetched.length = 0;
  const vc = await derive(w, await issue(w), ['fullName']);
  t.true((await verify(w, vc)).verified);
  t.deepEqual(w.fetched, []);
});

test('a revoked credential fails with CREDENTIAL_REVOKED (the bit is read, not the library’s verdict)', async (t) => {
  const w = await setup(t);
  const base = await issue(w);
  w.lists.revocation.list.setStatus(statusIndex(base, 'revocation'), true);
  await publishLists(w);
  await sync(w);
  const report = await verify(w, await derive(w, base, ['fullName']));
  t.false(report.verified);
  t.is(check(report, 'revocation')?.code, 'CREDENTIAL_REVOKED');
  t.is(check(report, 'suspension')?.result, 'valid');
});

test('a suspended credential fails with CREDENTIAL_SUSPENDED, then verifies once reinstated and resynced', async (t) => {
  const w = await setup(t);
  const base = await issue(w);
  const vc = await derive(w, base, ['fullName']);
  w.lists.suspension.list.setStatus(statusIndex(base, 'suspension'), true);
  await publishLists(w);
  await sync(w);
  const suspended = await verify(w, vc);
  t.is(check(suspended, 'suspension')?.code, 'CREDENTIAL_SUSPENDED');
  t.is(check(suspended, 'revocation')?.result, 'valid');
  w.lists.suspension.list.setStatus(statusIndex(base, 'suspension'), false);
  await publishLists(w, { validFrom: new Date('2026-05-31T00:00:00Z') });
  const resync = await sync(w);
  t.deepEqual(
    resync.results.slice(0, 2).map((r) => r.result),
    ['updated', 'updated'],
  );
  t.true((await verify(w, vc)).verified);
});

test('a stale list (past validUntil, or older than statusMaxAge) gives unknown: fail-closed by default, warn on request', async (t) => {
  const w = await setup(t);
  await publishLists(w, { validUntil: new Date('2026-05-31T00:00:00Z') });
  await sync(w);
  const vc = await derive(w, await issue(w), ['fullName']);
  const closed = await verify(w, vc);
  t.false(closed.verified);
  t.is(closed.status, 'unknown');
  t.is(check(closed, 'revocation')?.result, 'unknown');
  t.is(check(closed, 'revocation')?.code, 'STATUS_UNKNOWN');
  const warned = await verify(w, vc, { onUnknown: 'warn' });
  t.true(warned.verified);
  t.is(warned.status, 'unknown');
  t.deepEqual(
    warned.warnings.map((x) => x.code),
    ['STATUS_UNKNOWN', 'STATUS_UNKNOWN'],
  );
  const w2 = await setup(t);
  await publishLists(w2);
  await sync(w2);
  const vc2 = await derive(w2, await issue(w2), ['fullName']);
  t.is((await verify(w2, vc2)).status, 'verified');
  t.is((await verify(w2, vc2, { statusMaxAgeSeconds: 3600 })).status, 'unknown');
});

test('a revocation bit counts even in a stale list; a list never synced gives STATUS_UNKNOWN', async (t) => {
  const w = await setup(t);
  const base = await issue(w);
  const vc = await derive(w, base, ['fullName']);
  t.is(check(await verify(w, vc), 'revocation')?.code, 'STATUS_UNKNOWN');
  w.lists.revocation.list.setStatus(statusIndex(base, 'revocation'), true);
  await publishLists(w, { validUntil: new Date('2026-05-31T00:00:00Z') });
  await sync(w);
  t.is(check(await verify(w, vc), 'revocation')?.code, 'CREDENTIAL_REVOKED');
});

test('a list signed by a key outside its issuer’s bundle keys is refused with STATUS_VERIFICATION_ERROR', async (t) => {
  const w = await setup(t);
  const rogue = await generateKeyPair({ keyType: 'P-256', controller: w.ministry.did, id: `${w.ministry.did}#key-9` });
  await publishLists(w, { key: rogue });
  const r1 = await sync(w);
  t.is(r1.results[0]?.code, 'STATUS_VERIFICATION_ERROR');
  // The university's own (trusted) key cannot sign the ministry's list either.
  await publishLists(w, { key: w.university.key });
  const r2 = await sync(w);
  t.is(r2.results[0]?.code, 'STATUS_VERIFICATION_ERROR');
  t.is(await w.cache.get(w.lists.revocation.url), undefined);
});

test('a list served at another list’s URL, or tampered after signing, is refused with STATUS_VERIFICATION_ERROR', async (t) => {
  const w = await setup(t);
  await publishLists(w);
  const revocation = w.served.get(w.lists.revocation.url)!;
  w.served.set(w.lists.suspension.url, revocation);
  const r1 = await sync(w);
  t.is(r1.results[1]?.code, 'STATUS_VERIFICATION_ERROR');
  const subject = revocation.credentialSubject as JsonObject;
  w.served.set(w.lists.revocation.url, {
    ...revocation,
    credentialSubject: { ...subject, statusPurpose: 'suspension' },
  });
  t.is((await sync(w)).results[0]?.code, 'STATUS_VERIFICATION_ERROR');
  const w2 = await setup(t);
  await publishLists(w2);
  const list = w2.served.get(w2.lists.revocation.url)!;
  w2.served.set(w2.lists.revocation.url, { ...list, validUntil: '2030-01-01T00:00:00Z' });
  const r2 = await sync(w2);
  t.is(r2.results[0]?.code, 'STATUS_VERIFICATION_ERROR');
});

test('an older list than the one held is refused with STATUS_LIST_ROLLBACK and the held one kept', async (t) => {
  const w = await setup(t);
  const base = await issue(w);
  w.lists.revocation.list.setStatus(statusIndex(base, 'revocation'), true);
  await publishLists(w, { validFrom: new Date('2026-05-30T00:00:00Z') });
  const replay = structuredClone(w.served.get(w.lists.revocation.url));
  // The newer list (revocation), then the attacker replays an older one without it.
  w.lists.revocation.list.setStatus(statusIndex(base, 'revocation'), false);
  await publishLists(w, { validFrom: new Date('2026-05-20T00:00:00Z') });
  const older = structuredClone(w.served.get(w.lists.revocation.url));
  w.served.set(w.lists.revocation.url, replay!);
  await sync(w);
  w.served.set(w.lists.revocation.url, older!);
  const report = await sync(w);
  t.is(report.results[0]?.code, 'STATUS_LIST_ROLLBACK');
  t.is(check(await verify(w, await derive(w, base, ['fullName'])), 'revocation')?.code, 'CREDENTIAL_REVOKED');
});

test('a list dated in the future is refused with STATUS_VERIFICATION_ERROR (it would block every later update)', async (t) => {
  const w = await setup(t);
  await publishLists(w, { validFrom: new Date(NOW.getTime() + 3_600_000) });
  const report = await sync(w);
  const ministryLists = [w.lists.revocation.url, w.lists.suspension.url];
  t.deepEqual(
    report.results.filter((r) => ministryLists.includes(r.url)).map((r) => r.code),
    ['STATUS_VERIFICATION_ERROR', 'STATUS_VERIFICATION_ERROR'],
  );
  t.is(await w.cache.get(w.lists.revocation.url), undefined);
});

test('a held list signed by a key later marked compromised, or no longer in the bundle, is not trusted (STATUS_UNKNOWN)', async (t) => {
  const w = await setup(t);
  await publishLists(w);
  await sync(w);
  const vc = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  t.true((await verify(w, vc)).verified);
  const { proof: _p, ...unsigned } = structuredClone(w.bundle);
  unsigned.version = 2;
  unsigned.issuers[0]!.verificationMethods[0]!.compromisedSince = '2026-05-29T00:00:00Z';
  const compromised = await loadTrustBundle(await signTrustBundle(unsigned, w.anchor), {
    anchorKey: w.anchor,
    now: NOW,
    current: w.loaded.bundle,
  });
  const r1 = await verifyCredential(vc, { bundle: compromised, statusCache: w.cache, now: NOW });
  t.is(check(r1, 'revocation')?.code, 'STATUS_UNKNOWN');
  // Same key id, other key material (a rotation reusing the id): the held list's signer is not this key.
  const rotated = structuredClone(unsigned);
  rotated.version = 3;
  const fresh = await generateKeyPair({ keyType: 'P-256' });
  rotated.issuers[0]!.verificationMethods[0]!.publicKeyMultibase = fresh.publicKeyMultibase;
  delete rotated.issuers[0]!.verificationMethods[0]!.compromisedSince;
  const other = await loadTrustBundle(await signTrustBundle(rotated, w.anchor), { anchorKey: w.anchor, now: NOW });
  const r2 = await verifyCredential(vc, { bundle: other, statusCache: w.cache, now: NOW });
  t.is(check(r2, 'revocation')?.code, 'STATUS_UNKNOWN');
});

test('the cache survives closing and reopening (synced LevelDB writes)', async (t) => {
  const w = await setup(t);
  await publishLists(w);
  await sync(w);
  await w.cache.close();
  const reopened = await openStatusCache({ path: join(w.dir, 'status') });
  t.is((await reopened.get(w.lists.suspension.url))?.statusPurpose, 'suspension');
  t.is(await reopened.get('https://nowhere.example/list'), undefined);
  w.cache = reopened;
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('the default fetch on a local server: same-origin redirect followed, cross-host redirect and oversized body refused', async (t) => {
  const served = new Map<string, string>();
  const { server, base } = await listen((req, res) => {
    if (req.url === '/moved/revocation') {
      res.writeHead(302, { location: '/status/revocation' }).end();
    } else if (req.url === '/elsewhere/suspension') {
      res.writeHead(302, { location: 'http://localhost:1/status/suspension' }).end();
    } else if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`"${'x'.repeat(4 * 1024 * 1024)}"`);
    } else {
      const body = served.get(req.url ?? '');
      if (body) res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      else res.writeHead(404).end();
    }
  });
  t.teardown(() => server.close());
  const urls = [`${base}/moved/revocation`, `${base}/elsewhere/suspension`, `${base}/huge`];
  const w = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['DrivingLicence'],
        statusLists: urls,
      }),
    ],
  });
  t.teardown(() => w.close());
  // The list's id is the URL listed in the bundle; it is served after a redirect.
  w.lists.revocation.url = urls[0]!;
  w.lists.suspension.url = urls[1]!;
  await publishLists(w);
  served.set('/status/revocation', JSON.stringify(w.served.get(urls[0]!)));
  served.set('/status/suspension', JSON.stringify(w.served.get(urls[1]!)));
  const report = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.deepEqual(
    report.results.map((r) => r.code ?? r.result),
    ['updated', 'STATUS_RETRIEVAL_ERROR', 'INPUT_LIMIT_EXCEEDED'],
  );
  t.false(report.ok);
});

test('a status host that never answers is cut off by the timeout with STATUS_RETRIEVAL_ERROR', async (t) => {
  const { server, base } = await listen(() => {
    /* never answers */
  });
  t.teardown(() => server.closeAllConnections?.());
  t.teardown(() => server.close());
  const w = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['DrivingLicence'],
        statusLists: [`${base}/slow`],
      }),
    ],
  });
  t.teardown(() => w.close());
  const report = await syncStatus(w.loaded, { cache: w.cache, now: NOW, timeoutMs: 200 });
  t.is(report.results[0]?.code, 'STATUS_RETRIEVAL_ERROR');
});

// Two syncs of one cache at once (a scheduled sync and one the officer
// started): each reads the held list, fetches and verifies, then stores. The
// cache's put decides, atomically, that only a newer list replaces the held
// one; otherwise the slower sync would store the older list it fetched and
// take a revocation back out of the cache until the next sync.

const V1 = new Date('2026-05-30T00:00:00Z');
const V2 = new Date('2026-05-30T06:00:00Z');
const V3 = new Date('2026-05-30T12:00:00Z');

/** Status lists served from a snapshot of `w.served`; a fetch of a `held` URL waits for `release`. */
function servedFrom(
  lists: Map<string, JsonObject>,
  gate?: { held: string[]; entered: () => void; release: Promise<void> },
): FetchLike {
  let entered = 0;
  return async (url) => {
    if (gate?.held.includes(url)) {
      entered += 1;
      if (entered === gate.held.length) gate.entered();
      await gate.release;
    }
    const body = lists.get(url);
    return body ? new Response(JSON.stringify(body), { status: 200 }) : new Response('not found', { status: 404 });
  };
}

/** A world whose cache holds v1 of every list; v2 (nothing revoked) and v3 (one revocation) are signed, not served. */
async function threeVersions(t: ExecutionContext, cache: 'leveldb' | 'memory') {
  const w = await setup(t);
  if (cache === 'memory') {
    await w.cache.close();
    w.cache = createMemoryStatusCache();
  }
  const vc = await issue(w, { cryptosuite: 'eddsa-rdfc-2022' });
  await publishLists(w, { validFrom: V1 });
  await publishLists(w, { issuer: w.university, validFrom: V1 });
  t.true((await sync(w)).ok);
  await publishLists(w, { validFrom: V2 });
  const v2 = new Map(w.served);
  w.lists.revocation.list.setStatus(statusIndex(vc, 'revocation'), true);
  await publishLists(w, { validFrom: V3 });
  const v3 = new Map(w.served);
  return { w, vc, v2, v3, ministry: [w.lists.revocation.url, w.lists.suspension.url] };
}

for (const kind of ['leveldb', 'memory'] as const) {
  test(`two overlapping syncs on one ${kind} cache: the slower one's older list does not replace the newer one stored meanwhile (reported unchanged, not failed)`, async (t) => {
    const { w, vc, v2, v3, ministry } = await threeVersions(t, kind);
    let entered!: () => void;
    const inFetch = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const gate = { held: ministry, entered, release: new Promise<void>((r) => (release = r)) };
    // Run 1 has read v1 as held and is waiting on a slow link for v2 …
    const first = syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: servedFrom(v2, gate) });
    await inFetch;
    // … while run 2 fetches v3 (with the revocation) and stores it.
    const second = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: servedFrom(v3) });
    t.true(second.ok, JSON.stringify(second.results));
    t.deepEqual(
      second.results.filter((r) => ministry.includes(r.url)).map((r) => [r.result, r.validFrom]),
      [
        ['updated', V3.toISOString()],
        ['updated', V3.toISOString()],
      ],
    );
    release();
    const late = await first;
    t.true(late.ok, JSON.stringify(late.results));
    t.deepEqual(
      late.results.filter((r) => ministry.includes(r.url)).map((r) => [r.result, r.validFrom]),
      [
        ['unchanged', V3.toISOString()],
        ['unchanged', V3.toISOString()],
      ],
    );
    for (const url of ministry) t.is((await w.cache.get(url))?.validFrom, V3.toISOString(), url);
    t.is(check(await verify(w, vc), 'revocation')?.code, 'CREDENTIAL_REVOKED');
    if (kind === 'leveldb') {
      // On disk too, not only in the cache's copy in memory.
      await w.cache.close();
      w.cache = await openStatusCache({ path: join(w.dir, 'status') });
      for (const url of ministry) t.is((await w.cache.get(url))?.validFrom, V3.toISOString(), url);
      t.is(check(await verify(w, vc), 'revocation')?.code, 'CREDENTIAL_REVOKED');
    }
  });

  test(`a single sync with a genuinely newer list still replaces the held one (${kind} cache)`, async (t) => {
    const { w, vc, v2, v3, ministry } = await threeVersions(t, kind);
    const toV2 = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: servedFrom(v2) });
    t.true(toV2.ok, JSON.stringify(toV2.results));
    for (const url of ministry) t.is((await w.cache.get(url))?.validFrom, V2.toISOString(), url);
    t.true((await verify(w, vc)).verified);
    const toV3 = await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: servedFrom(v3) });
    t.deepEqual(
      toV3.results.filter((r) => ministry.includes(r.url)).map((r) => [r.result, r.validFrom]),
      [
        ['updated', V3.toISOString()],
        ['updated', V3.toISOString()],
      ],
    );
    for (const url of ministry) t.is((await w.cache.get(url))?.validFrom, V3.toISOString(), url);
    t.is(check(await verify(w, vc), 'revocation')?.code, 'CREDENTIAL_REVOKED');
  });
}

/** Verified cache entries of the ministry's revocation list at v2 and v3 (synced into scratch caches). */
async function entriesOf(w: World, v2: Map<string, JsonObject>, v3: Map<string, JsonObject>) {
  const entry = async (lists: Map<string, JsonObject>) => {
    const scratch = createMemoryStatusCache();
    await syncStatus(w.loaded, { cache: scratch, now: NOW, fetch: servedFrom(lists) });
    const got = await scratch.get(w.lists.revocation.url);
    if (!got) throw new Error('list not synced');
    return got;
  };
  return { older: await entry(v2), newer: await entry(v3) };
}

test('overlapping puts on the LevelDB cache, the newer one first: the older list is refused, in memory and on disk', async (t) => {
  const { w, v2, v3 } = await threeVersions(t, 'leveldb');
  const { older, newer } = await entriesOf(w, v2, v3);
  const url = w.lists.revocation.url;
  t.deepEqual(await Promise.all([w.cache.put({ ...newer }), w.cache.put({ ...older })]), [true, false]);
  t.is((await w.cache.get(url))?.validFrom, V3.toISOString());
  await w.cache.close();
  w.cache = await openStatusCache({ path: join(w.dir, 'status') });
  t.is((await w.cache.get(url))?.validFrom, V3.toISOString());
  // Its twin: a newer list after an older one is stored; the same list again (a new entity tag) too.
  t.true(await w.cache.put({ ...newer, etag: '"b"' }));
  t.is((await w.cache.get(url))?.etag, '"b"');
  t.false(await w.cache.put({ ...older }));
  t.is((await w.cache.get(url))?.validFrom, V3.toISOString());
});

test('overlapping puts on the memory cache with a slow write-through: the older list is refused and never written through', async (t) => {
  const { w, v2, v3 } = await threeVersions(t, 'leveldb');
  const { older, newer } = await entriesOf(w, v2, v3);
  const url = w.lists.revocation.url;
  const written: string[] = [];
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  const cache = createMemoryStatusCache({
    entries: [(await w.cache.get(url))!],
    onPut: async (entry) => {
      if (entry.validFrom === V3.toISOString()) await slow;
      written.push(entry.validFrom);
    },
  });
  // The newer list's write-through is still running when the older one is put.
  const puts = Promise.all([cache.put({ ...newer }), cache.put({ ...older })]);
  await new Promise((r) => setTimeout(r, 50));
  release();
  t.deepEqual(await puts, [true, false]);
  t.deepEqual(written, [V3.toISOString()]);
  t.is((await cache.get(url))?.validFrom, V3.toISOString());
  // Its twin: the older list's write-through is the slow one: both are stored, in order, and the newer one is held.
  let releaseOlder!: () => void;
  const slowOlder = new Promise<void>((r) => (releaseOlder = r));
  const fresh = createMemoryStatusCache({
    entries: [(await w.cache.get(url))!],
    onPut: async (entry) => {
      if (entry.validFrom === V2.toISOString()) await slowOlder;
      written.push(entry.validFrom);
    },
  });
  written.length = 0;
  const inOrder = Promise.all([fresh.put({ ...older }), fresh.put({ ...newer })]);
  await new Promise((r) => setTimeout(r, 50));
  releaseOlder();
  t.deepEqual(await inOrder, [true, true]);
  t.deepEqual(written, [V2.toISOString(), V3.toISOString()]);
  t.is((await fresh.get(url))?.validFrom, V3.toISOString());
});
