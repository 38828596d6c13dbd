import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createStatusList,
  createStatusListCredential,
  type JsonObject,
  type KeyPair,
  signCredential,
  VneidError,
} from '@vneid/core';
import { type StatusListSource, statusListRouter } from '@vneid/issuer';
import test from 'ava';
import express from 'express';
import { createTrustBundle, loadTrustBundle, signTrustBundle, syncStatus, verifyCredential } from '../src/index.js';
import { createJcsProof } from '../src/lib/eddsa-jcs.js';
import { isStatusListPrefix, isUnderPrefix } from '../src/lib/status-list-prefix.js';
import type { BundleIssuer } from '../src/types.js';
import { bundleIssuer, createWorld, issue, NOW, type World } from './helpers/world.js';

const NAME = { vi: 'Bộ Công an', en: 'Ministry of Public Security' };
const LIST_COUNT = 3_052;

interface Signed {
  credential: JsonObject;
  signedAt: string;
  validUntil: string;
}

/** A status list host: the issuer's own router over lists signed here. */
async function listHost(): Promise<{
  server: Server;
  prefix: string;
  lists: Map<string, Signed>;
  source: StatusListSource;
}> {
  const lists = new Map<string, Signed>();
  const source: StatusListSource = {
    statusListRefresh: 43_200,
    statusListIds: () => [...lists.keys()],
    getSignedStatusList: async (id) => {
      const signed = lists.get(id);
      if (!signed) throw new VneidError('UNKNOWN_STATUS_LIST', 'no such list');
      return signed;
    },
  };
  const app = express();
  app.use(statusListRouter(source, { now: () => NOW }));
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const prefix = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status-lists/`;
  return { server, prefix, lists, source };
}

async function signList(
  w: World,
  url: string,
  options: {
    validFrom: Date;
    revoked?: number[];
    key?: KeyPair;
    issuer?: string;
    purpose?: 'revocation' | 'suspension';
  },
): Promise<Signed> {
  const list = createStatusList();
  for (const i of options.revoked ?? []) list.setStatus(i, true);
  const validUntil = new Date(options.validFrom.getTime() + 86_400_000);
  const unsigned = await createStatusListCredential({
    id: url,
    issuer: options.issuer ?? w.ministry.did,
    statusPurpose: options.purpose ?? 'revocation',
    list,
    validFrom: options.validFrom,
    validUntil,
  });
  const credential = await signCredential({
    credential: unsigned,
    key: options.key ?? w.ministry.key,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader: w.documentLoader,
    now: options.validFrom,
  });
  return { credential, signedAt: options.validFrom.toISOString(), validUntil: validUntil.toISOString() };
}

function byPrefix(entry: BundleIssuer, prefix: string): BundleIssuer {
  const { statusLists: _enumerated, ...rest } = entry;
  return { ...rest, statusListPrefix: prefix };
}

async function prefixWorld(t: import('ava').ExecutionContext, prefix: string): Promise<World> {
  const w = await createWorld({
    issuers: ({ ministry, university }) => [
      byPrefix(bundleIssuer(ministry, { name: NAME, credentialTypes: ['DrivingLicence'], statusLists: [] }), prefix),
      byPrefix(
        bundleIssuer(university, { name: NAME, credentialTypes: ['UniversityDegree'], statusLists: [] }),
        prefix,
      ),
    ],
  });
  t.teardown(() => w.close());
  return w;
}

const T0 = new Date('2026-05-31T12:00:00Z');

test('a ministry with 3,052 status lists: its bundle is created, signed and loaded, every list syncs, and a credential on the last list verifies', async (t) => {
  const host = await listHost();
  t.teardown(() => host.server.close());
  const w = await prefixWorld(t, host.prefix);
  const half = LIST_COUNT / 2;
  const names = (['revocation', 'suspension'] as const).flatMap((purpose) =>
    Array.from({ length: half }, (_, i) => ({ purpose, name: `bo-cong-an-${purpose}-${i + 1}` })),
  );
  const started = Date.now();
  for (const { purpose, name } of names) {
    host.lists.set(name, await signList(w, `${host.prefix}${name}`, { validFrom: T0, purpose }));
  }
  t.log(`signed ${LIST_COUNT} lists in ${Date.now() - started} ms`);
  const bundle = await signTrustBundle(
    createTrustBundle({
      version: 2,
      issuedAt: new Date('2026-05-01T00:00:00Z'),
      validUntil: new Date('2026-08-01T00:00:00Z'),
      issuers: w.bundle.issuers,
    }),
    w.anchor,
  );
  const loaded = await loadTrustBundle(JSON.stringify(bundle), { anchorKey: w.anchor, now: NOW });
  t.is(loaded.status, 'valid');
  const synced = Date.now();
  const report = await syncStatus(loaded, { cache: w.cache, now: NOW });
  t.log(`synced in ${Date.now() - synced} ms`);
  t.true(report.ok, JSON.stringify(report.results.find((r) => r.result === 'failed')));
  t.is(report.results.length, LIST_COUNT);
  t.is(report.stats.verified, LIST_COUNT);
  t.is(report.stats.requests, LIST_COUNT + 1);
  const url = (purpose: string) => `${host.prefix}bo-cong-an-${purpose}-${half}`;
  const vc = await issue(w, {
    cryptosuite: 'eddsa-rdfc-2022',
    lists: {
      revocation: { url: url('revocation'), list: createStatusList() },
      suspension: { url: url('suspension'), list: createStatusList() },
    },
  });
  const result = await verifyCredential(vc, { bundle: loaded, statusCache: w.cache, now: NOW });
  t.true(result.verified, JSON.stringify(result.errors));
  t.is(result.checks.find((c) => c.check === 'revocation')?.result, 'valid');
  t.is(result.checks.find((c) => c.check === 'suspension')?.result, 'valid');
});

test('a re-sync requests only the index: unchanged lists are neither downloaded nor verified, a changed list is fetched, an older one is refused as a rollback', async (t) => {
  const host = await listHost();
  t.teardown(() => host.server.close());
  const w = await prefixWorld(t, host.prefix);
  const names = ['bo-cong-an-revocation-1', 'bo-cong-an-revocation-2', 'bo-cong-an-revocation-3'];
  for (const name of names) host.lists.set(name, await signList(w, `${host.prefix}${name}`, { validFrom: T0 }));
  const first = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.true(first.ok, JSON.stringify(first.results.filter((r) => r.result === 'failed')));
  t.like(first.stats, { requests: 4, verified: 3, skipped: 0 });

  const again = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.true(again.ok);
  t.deepEqual(again.stats, { requests: 1, bytes: again.stats.bytes, verified: 0, notModified: 0, skipped: 3 });
  t.deepEqual(
    again.results.map((r) => r.result),
    ['unchanged', 'unchanged', 'unchanged'],
  );

  // One list changes: only it is downloaded and verified, and its revocation is seen.
  const changed = `${host.prefix}${names[1]}`;
  const later = new Date(T0.getTime() + 60_000);
  host.lists.set(names[1]!, await signList(w, changed, { validFrom: later, revoked: [42] }));
  const third = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.like(third.stats, { requests: 2, verified: 1, skipped: 2 });
  t.deepEqual(
    third.results.map((r) => r.result),
    ['unchanged', 'updated', 'unchanged'],
  );
  t.is((await w.cache.get(changed))?.validFrom, later.toISOString());

  // The host goes back to the older list while its index claims a newer date: refused, the revocation kept.
  const older = await signList(w, changed, { validFrom: T0 });
  host.lists.set(names[1]!, { ...older, signedAt: new Date(later.getTime() + 60_000).toISOString() });
  const rolled = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.false(rolled.ok);
  t.is(rolled.results.find((r) => r.url === changed)?.code, 'STATUS_LIST_ROLLBACK');
  t.is((await w.cache.get(changed))?.validFrom, later.toISOString());

  // With the optimisation switched off, everything is downloaded and verified again.
  host.lists.set(names[1]!, await signList(w, changed, { validFrom: later, revoked: [42] }));
  const full = await syncStatus(w.loaded, { cache: w.cache, now: NOW, incremental: false });
  t.like(full.stats, { requests: 4, verified: 3, skipped: 0, notModified: 0 });
});

test('an enumerated list the host still has answers 304: not downloaded, not verified; a changed one is fetched', async (t) => {
  const host = await listHost();
  t.teardown(() => host.server.close());
  const urls = [`${host.prefix}a-revocation-1`, `${host.prefix}a-revocation-2`];
  const w = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, { name: NAME, credentialTypes: ['DrivingLicence'], statusLists: urls }),
    ],
  });
  t.teardown(() => w.close());
  for (const url of urls) host.lists.set(url.split('/').pop()!, await signList(w, url, { validFrom: T0 }));
  const first = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.like(first.stats, { requests: 2, verified: 2 });
  t.truthy((await w.cache.get(urls[0]!))?.etag);
  const second = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.like(second.stats, { requests: 2, verified: 0, notModified: 2, bytes: 0 });
  t.deepEqual(
    second.results.map((r) => r.result),
    ['unchanged', 'unchanged'],
  );
  host.lists.set('a-revocation-2', await signList(w, urls[1]!, { validFrom: new Date(T0.getTime() + 1000) }));
  const third = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.like(third.stats, { requests: 2, verified: 1, notModified: 1 });
  t.deepEqual(
    third.results.map((r) => r.result),
    ['unchanged', 'updated'],
  );
});

test('prefix tricks are refused: sibling paths, dot segments, percent-encoding, queries, other hosts and ports', (t) => {
  const prefix = 'https://a.example/lists/';
  t.true(isUnderPrefix('https://a.example/lists/bo-cong-an-revocation-1', prefix));
  for (const url of [
    'https://a.example/lists-evil/x',
    'https://a.example/listsx',
    'https://a.example/lists/',
    'https://a.example/lists/../evil/x',
    'https://a.example/lists/%2e%2e/x',
    'https://a.example/lists/%2Fx',
    'https://a.example/lists/a/b',
    'https://a.example/lists/.x',
    'https://a.example/lists/x?y=1',
    'https://a.example/lists/x?',
    'https://a.example/lists/x#f',
    'https://a.example/lists/x#',
    'https://b.example/lists/x',
    'https://a.example:8443/lists/x',
    'http://a.example/lists/x',
    'https://user@a.example/lists/x',
    'https://A.example/lists/x',
    'https://a.example.evil/lists/x',
  ]) {
    t.false(isUnderPrefix(url, prefix), url);
  }
  t.true(isStatusListPrefix(prefix));
  for (const bad of [
    'https://a.example/lists',
    'https://a.example/lists/?q=1',
    'https://a.example/lists/?',
    'https://a.example/lists/#',
    'https://a.example/lists/#f',
    'https://a.example/a/../lists/',
    'https://a.example/%6Cists/',
    'https://A.example/lists/',
    'http://a.example/lists/',
    'ftp://a.example/lists/',
  ]) {
    t.false(isStatusListPrefix(bad), bad);
  }
});

test('a bad prefix in a bundle, a list outside the prefix, a list under it signed by another issuer, and a bad index name are refused', async (t) => {
  const host = await listHost();
  t.teardown(() => host.server.close());
  const w = await prefixWorld(t, host.prefix);
  const entry = w.bundle.issuers[0]!;
  const error = t.throws(() =>
    createTrustBundle({
      version: 3,
      issuedAt: new Date('2026-05-01T00:00:00Z'),
      validUntil: new Date('2026-08-01T00:00:00Z'),
      issuers: [{ ...entry, statusListPrefix: `${host.prefix}../` }],
    }),
  );
  t.is((error as VneidError).code, 'MALFORMED_VALUE_ERROR');

  // A list signed by the university but listed in the index under the ministry.
  host.lists.set(
    'x-revocation-1',
    await signList(w, `${host.prefix}x-revocation-1`, {
      validFrom: T0,
      issuer: w.university.did,
      key: w.university.key,
    }),
  );
  // A list whose id names another host.
  host.lists.set(
    'x-revocation-2',
    await signList(w, 'https://evil.example/status-lists/x-revocation-2', { validFrom: T0 }),
  );
  const report = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
  t.false(report.ok);
  // The university list is verified against its own signed issuer, whose prefix also covers it.
  t.is(report.results.find((r) => r.url.endsWith('x-revocation-1'))?.result, 'updated');
  t.is(report.results.find((r) => r.url.endsWith('x-revocation-1'))?.issuer, w.university.did);
  // The evil-host list is indexed by its own name (x-revocation-2), so its id is not the URL fetched.
  t.is(report.results.find((r) => r.url.endsWith('x-revocation-2'))?.code, 'STATUS_VERIFICATION_ERROR');
  t.is(await w.cache.get('https://evil.example/status-lists/x-revocation-2'), undefined);
});

test('a prefix with an empty fragment or query ("…/lists/#", "…/lists/?") is refused by createTrustBundle, signTrustBundle and loadTrustBundle, naming the field; the plain prefix passes', async (t) => {
  // The URL parser gives both an empty `hash`/`search`, so they look clean, yet
  // every list URL built under them (`…/lists/#bo-…`) is refused at sync.
  const w = await createWorld();
  t.teardown(() => w.close());
  const dates = {
    version: 3,
    issuedAt: new Date('2026-05-01T00:00:00Z'),
    validUntil: new Date('2026-08-01T00:00:00Z'),
  };
  const good = 'https://bocongan.gov.vn/status-lists/';
  for (const prefix of [`${good}#`, `${good}?`]) {
    const entry = byPrefix(w.bundle.issuers[0]!, prefix);
    const created = t.throws(() => createTrustBundle({ ...dates, issuers: [entry] }), undefined, prefix);
    t.is((created as VneidError).code, 'MALFORMED_VALUE_ERROR', prefix);
    t.regex((created as Error).message, /issuers\[0\]\.statusListPrefix/, prefix);
    const { proof: _proof, ...unsigned } = w.bundle;
    const signing = await t.throwsAsync(signTrustBundle({ ...unsigned, issuers: [entry] }, w.anchor));
    t.is((signing as VneidError).code, 'MALFORMED_VALUE_ERROR', prefix);
    t.regex((signing as Error).message, /issuers\[0\]\.statusListPrefix/, prefix);
    // Signed by hand with the anchor's key, as a careless or older tool would: verifiers refuse it too.
    const forgedUnsigned = { ...unsigned, issuers: [entry] };
    const proof = await createJcsProof(forgedUnsigned as unknown as Record<string, unknown>, {
      signer: w.anchor.signer(),
      verificationMethod: w.anchor.id,
      created: '2026-05-01T00:00:00Z',
    });
    const loading = await t.throwsAsync(
      loadTrustBundle(JSON.stringify({ ...forgedUnsigned, proof }), { anchorKey: w.anchor, now: NOW }),
    );
    t.is((loading as VneidError).code, 'MALFORMED_VALUE_ERROR', prefix);
    t.regex((loading as Error).message, /issuers\[0\]\.statusListPrefix/, prefix);
  }
  // Its twin: the same prefix without the trailing mark is created, signed and loaded.
  const signed = await signTrustBundle(
    createTrustBundle({ ...dates, issuers: [byPrefix(w.bundle.issuers[0]!, good)] }),
    w.anchor,
  );
  const loaded = await loadTrustBundle(JSON.stringify(signed), { anchorKey: w.anchor, now: NOW });
  t.is(loaded.status, 'valid');
  t.is(loaded.bundle.issuers[0]?.statusListPrefix, good);
});

test('a bundle enumerating 3,052 lists is refused at creation and at signing, naming the limit; the same issuer by prefix is accepted', async (t) => {
  const w = await createWorld();
  t.teardown(() => w.close());
  const urls = Array.from({ length: LIST_COUNT }, (_, i) => `https://bocongan.gov.vn/status-lists/l-${i}`);
  const entry = { ...w.bundle.issuers[0]!, statusLists: urls };
  const dates = {
    version: 3,
    issuedAt: new Date('2026-05-01T00:00:00Z'),
    validUntil: new Date('2026-08-01T00:00:00Z'),
  };
  const created = t.throws(() => createTrustBundle({ ...dates, issuers: [entry] }));
  t.is((created as VneidError).code, 'BUNDLE_LIMIT_EXCEEDED');
  t.like((created as VneidError).details, { limit: 'maxArrayLength', max: 512, pointer: '/issuers/0/statusLists' });
  const { proof: _proof, ...unsigned } = w.bundle;
  const signing = await t.throwsAsync(signTrustBundle({ ...unsigned, issuers: [entry] }, w.anchor));
  t.is((signing as VneidError).code, 'BUNDLE_LIMIT_EXCEEDED');
  // Too many issuers: the limit hit first is named.
  const many = Array.from({ length: 1_200 }, (_, i) => ({
    ...byPrefix(entry, 'https://bocongan.gov.vn/status-lists/'),
    id: `did:web:m${i}.gov.vn`,
    verificationMethods: [],
  }));
  const big = t.throws(() =>
    createTrustBundle({
      ...dates,
      issuers: many.map((m, i) => ({
        ...m,
        verificationMethods: w.bundle.issuers[0]!.verificationMethods.map((vm) => ({
          ...vm,
          id: `did:web:m${i}.gov.vn#${vm.id.split('#')[1]}`,
        })),
      })),
    }),
  );
  t.is((big as VneidError).code, 'BUNDLE_LIMIT_EXCEEDED');
  t.true(['maxKeys', 'maxBytes', 'maxArrayLength'].includes(String((big as VneidError).details?.limit)));
  const ok = await signTrustBundle(
    createTrustBundle({ ...dates, issuers: [byPrefix(entry, 'https://bocongan.gov.vn/status-lists/')] }),
    w.anchor,
  );
  t.is((await loadTrustBundle(JSON.stringify(ok, null, 2), { anchorKey: w.anchor, now: NOW })).status, 'valid');
});
