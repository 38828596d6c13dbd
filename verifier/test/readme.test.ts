import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOfflineDidResolver, generateKeyPair, type PresentationRequest } from '@vneid/core';
import { createApp, createIssuer } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import { openWallet } from '@vneid/wallet-core';
import test from 'ava';
import { pino } from 'pino';
import {
  createChallengeStore,
  createTrustBundle,
  loadTrustBundle,
  openStatusCache,
  signTrustBundle,
  syncStatus,
  verifyPresentation,
} from '../src/index.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

test('the README example runs as written', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  // The import line is the only thing removed: the names it imports are passed in from the package's own index.
  // `as const` is the block's only TypeScript (examples/test/consumer-types.test.ts type-checks it); it runs as JavaScript here.
  const body = block
    .replace(
      /^import \{\n {2}createChallengeStore,\n {2}loadTrustBundle,\n {2}openStatusCache,\n {2}syncStatus,\n {2}verifyPresentation,\n\} from '@vneid\/verifier';$/m,
      '',
    )
    .replace(/ as const,$/gm, ',');
  t.not(body, block);
  t.notRegex(body, /^import /m);

  const dir = await mkdtemp(join(tmpdir(), 'vneid-verifier-readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));

  // The ministry's status list host on 127.0.0.1: the lists and their index come from a real issuer's app, over real HTTP.
  let app: ReturnType<typeof createApp> | undefined;
  const host = http.createServer((req, res) => (app ? app(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        host.close(() => resolve());
        host.closeAllConnections();
      }),
  );
  const issuer = await createIssuer({
    dataDir: join(dir, 'issuer'),
    passphrase: 'một cụm mật khẩu dài cho kho khoá',
    baseUrl: `http://127.0.0.1:${(host.address() as AddressInfo).port}`,
  });
  t.teardown(() => issuer.close());
  app = createApp({ issuer, apiKeys: [], logger: pino({ level: 'silent' }) });
  await issuer.addMinistry({
    slug: 'bo-cong-an',
    name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
    role: 'MinistryOfPublicSecurity',
  });

  // The citizen's wallet holds a driving licence from the ministry.
  const wallet = await openWallet({
    path: join(dir, 'wallet'),
    passphrase: 'cụm mật khẩu dài của công dân',
    resolver: createOfflineDidResolver({ documents: [issuer.didDocument('bo-cong-an')] }),
  });
  t.teardown(() => wallet.close());
  await wallet.add(
    await issuer.issue({
      ministry: 'bo-cong-an',
      type: 'DrivingLicence',
      subject: fixtures.DrivingLicence,
      holder: wallet.holderDid,
    }),
  );

  // The trust authority's bundle, signed by the national anchor.
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const now = new Date();
  const bundle = await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: now,
      validUntil: new Date(now.getTime() + 30 * 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now },
  );

  const run = new AsyncFunction(
    'createChallengeStore',
    'loadTrustBundle',
    'openStatusCache',
    'syncStatus',
    'verifyPresentation',
    'bundleJson',
    'anchorKey',
    'path',
    'receivePresentation',
    `${body}\nreturn { trust, sync, report, claims, replay };`,
  );
  const result = (await run(
    createChallengeStore,
    loadTrustBundle,
    openStatusCache,
    syncStatus,
    verifyPresentation,
    JSON.stringify(bundle),
    anchor.publicKeyMultibase,
    join(dir, 'status'),
    async (request: PresentationRequest) =>
      (
        await wallet.present(request, (await wallet.preview(request)).consent)
      ).presentation,
  )) as {
    trust: { status: string };
    sync: { ok: boolean; results: Array<{ result: string }> };
    report: Awaited<ReturnType<typeof verifyPresentation>>;
    claims: Array<[string, unknown]>;
    replay: Awaited<ReturnType<typeof verifyPresentation>>;
  };
  t.is(result.trust.status, 'valid');
  t.true(result.sync.ok);
  t.deepEqual(
    result.sync.results.map((r) => r.result),
    issuer.statusListIds().map(() => 'updated'),
  );
  t.is(result.report.status, 'verified', JSON.stringify(result.report.errors));
  t.true(result.report.checks.every((c) => c.result === 'valid' || c.result === 'skipped'));
  t.deepEqual(result.claims, [
    ['Họ, chữ đệm và tên', 'Nguyễn Thị Minh Khai'],
    ['Hạng giấy phép lái xe', fixtures.DrivingLicence.licenceClasses],
  ]);
  t.deepEqual(
    result.replay.errors.map((e) => e.code),
    ['CHALLENGE_REPLAYED'],
  );
});
