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
