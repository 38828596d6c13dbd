import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { pino } from 'pino';
import { createApp, createIssuer } from '../src/index.js';

test('the list index, ETag/304, gzip and the refresh period over real HTTP', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-routes-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  let clock = Date.parse('2026-06-01T08:00:00Z');
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = { dataDir: dir, passphrase: 'một cụm mật khẩu dài', baseUrl: base, now: () => new Date(clock) };
  await t.throwsAsync(createIssuer({ ...options, statusListValidity: 3600, statusListRefresh: 3600 }), {
    instanceOf: RangeError,
  });
  const issuer = await createIssuer({ ...options, statusListValidity: 3600, statusListRefresh: 600 });
  t.teardown(() => issuer.close());
  t.is(issuer.statusListRefresh, 600);
  await issuer.addMinistry({
    slug: 'bo-cong-an',
    name: { vi: 'Bộ Công an', en: 'MPS' },
    role: 'MinistryOfPublicSecurity',
  });
  server.on(
    'request',
    createApp({ issuer, apiKeys: [], logger: pino({ level: 'silent' }), now: () => new Date(clock) }),
  );
  t.is(issuer.trustBundleIssuers()[0]?.statusListPrefix, `${base}/status-lists/`);

  const index = await fetch(`${base}/status-lists/`);
  t.is(index.status, 200);
  const body = (await index.json()) as { type: string; issuers: Record<string, Record<string, string>> };
  t.is(body.type, 'StatusListIndex');
  const did = issuer.getMinistry('bo-cong-an').did;
  t.deepEqual(Object.keys(body.issuers[did] ?? {}).sort(), issuer.statusListIds('bo-cong-an'));
  const id = issuer.statusListIds('bo-cong-an')[0]!;
  const first = await fetch(`${base}/status-lists/${id}`, { headers: { 'accept-encoding': 'gzip' } });
  t.is(first.headers.get('content-encoding'), 'gzip');
  const etag = first.headers.get('etag')!;
  await first.arrayBuffer();
  const again = await fetch(`${base}/status-lists/${id}`, { headers: { 'if-none-match': etag } });
  t.is(again.status, 304);
  t.is((await again.arrayBuffer()).byteLength, 0);
  // Past the refresh period (not yet half the validity) the list is re-signed: the old tag no longer matches.
  clock += 601_000;
  const refreshed = await fetch(`${base}/status-lists/${id}`, { headers: { 'if-none-match': etag } });
  t.is(refreshed.status, 200);
  t.not(refreshed.headers.get('etag'), etag);
  const plain = await fetch(`${base}/status-lists/${id}`, { headers: { 'accept-encoding': 'identity' } });
  t.is(plain.headers.get('content-encoding'), null);
});
