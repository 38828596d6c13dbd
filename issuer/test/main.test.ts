import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { renderConfigurationReference } from '../src/config/settings.js';
import { DEV_PASSPHRASE } from '../src/dev/bootstrap.js';
import { createIssuer, generateApiKey, hashApiKey } from '../src/index.js';
import { main } from '../src/main.js';
import { removeDir, tempDir } from './helpers/setup.js';

const base = (dataDir: string, extra: Record<string, string> = {}) => ({
  VNEID_ISSUER_DATA: dataDir,
  HOST: '127.0.0.1',
  PORT: '0',
  VNEID_SIGNING_WORKERS: '0',
  ...extra,
});

test('docs/configuration.md is exactly what the settings render to (regenerate: node --import=tsx --conditions=source issuer/src/config/render-reference.ts)', async (t) => {
  const committed = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  t.is(committed, renderConfigurationReference());
  for (const setting of [
    'VNEID_RATE_LIMIT_BURST',
    'VNEID_BODY_LIMIT_BYTES',
    'VNEID_ISSUER_TLS_CERT',
    'DATABASE_URL',
    '64 KiB',
  ]) {
    t.true(committed.includes(setting), setting);
  }
});

test('a missing store without the development flag stops the start and creates nothing', async (t) => {
  const dir = await tempDir('vneid-main-');
  t.teardown(() => removeDir(dir));
  const error = await t.throwsAsync(main(base(dir)));
  t.is((error as { setting?: string }).setting, 'VNEID_ISSUER_DEV_BOOTSTRAP');
  t.deepEqual(await readdir(dir), []);
});

test('a wrong value stops the start with a message naming the setting', async (t) => {
  const dir = await tempDir('vneid-main-');
  t.teardown(() => removeDir(dir));
  for (const [setting, value] of [
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['VNEID_RATE_LIMIT_PER_SECOND', '-1'],
    ['VNEID_ISSUER_BASE_URL', 'ftp://x'],
    ['VNEID_ISSUER_DEV_BOOTSTRAP', 'yes'],
    ['VNEID_ISSUER_TLS_KEY', 'only-a-cert'],
  ] as const) {
    const env: Record<string, string> =
      setting === 'VNEID_ISSUER_TLS_KEY' ? { VNEID_ISSUER_TLS_CERT: 'cert.pem' } : { [setting]: value };
    const error = await t.throwsAsync(main(base(dir, { VNEID_ISSUER_DEV_BOOTSTRAP: '1', ...env })));
    t.is((error as { setting?: string }).setting, setting, `${setting}=${value}`);
    t.true(error?.message.startsWith(`${setting}:`));
  }
  t.deepEqual(await readdir(dir), []);
});

test('a busy port stops the first start before any store or API key is created', async (t) => {
  const dir = await tempDir('vneid-main-');
  const busy = http.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await new Promise((resolve) => busy.close(resolve));
    await removeDir(dir);
  });
  const port = String((busy.address() as AddressInfo).port);
  const error = await t.throwsAsync(main(base(dir, { PORT: port, VNEID_ISSUER_DEV_BOOTSTRAP: '1' })));
  t.is((error as NodeJS.ErrnoException).code, 'EADDRINUSE');
  t.deepEqual(await readdir(dir), []);
});

test('with the flag, the first start bootstraps on the bound port: DIDs carry it, /ready answers', async (t) => {
  const dir = await tempDir('vneid-main-');
  t.teardown(() => removeDir(dir));
  const started = await main(base(dir, { VNEID_ISSUER_DEV_BOOTSTRAP: '1' }));
  try {
    // The printed keys' hashes are in the store (no api-keys.json any more).
    t.false(existsSync(join(dir, 'api-keys.json')));
    const did = (await (await fetch(`${started.url}/bo-cong-an/did.json`)).json()) as { id: string };
    t.is(did.id, `did:web:127.0.0.1%3A${started.port}:bo-cong-an`);
    t.is((await fetch(`${started.url}/ready`)).status, 200);
  } finally {
    await started.close();
  }
});

test('the shipped service imports an older api-keys.json into its store once, and its admin API creates and revokes keys while it runs: a revoked key gets 401 on the next request', async (t) => {
  const dir = await tempDir('vneid-main-');
  t.teardown(() => removeDir(dir));
  const first = await main(base(dir, { VNEID_ISSUER_DEV_BOOTSTRAP: '1' }));
  await first.close();
  const oldKey = generateApiKey();
  await writeFile(join(dir, 'api-keys.json'), JSON.stringify([{ ministry: 'bo-cong-an', sha256: hashApiKey(oldKey) }]));
  const token = generateApiKey();
  const started = await main(base(dir, { VNEID_ADMIN_TOKEN_SHA256: hashApiKey(token) }));
  try {
    t.false(existsSync(join(dir, 'api-keys.json')));
    t.true(existsSync(join(dir, 'api-keys.json.imported')));
    const body = JSON.stringify({
      credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: fixtures.DrivingLicence },
      options: { suite: 'eddsa-rdfc-2022' },
    });
    const issue = (key: string) =>
      fetch(`${started.url}/credentials/issue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
    t.is((await issue(oldKey)).status, 201);
    const admin = (method: string, path: string, bearer: string, json?: unknown) =>
      fetch(`${started.url}/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(json ? { body: JSON.stringify(json) } : {}),
      });
    t.is((await admin('GET', '/api-keys', oldKey)).status, 401, 'a ministry key is no admin token');
    const created = (await (await admin('POST', '/api-keys', token, { ministry: 'bo-cong-an' })).json()) as {
      apiKey: string;
      id: string;
    };
    t.is((await issue(created.apiKey)).status, 201);
    t.is((await admin('POST', `/api-keys/${created.id}/revoke`, token)).status, 200);
    t.is((await issue(created.apiKey)).status, 401);
    t.is((await admin('POST', `/api-keys/${hashApiKey(oldKey).slice(0, 16)}/revoke`, token)).status, 200);
    t.is((await issue(oldKey)).status, 401);
  } finally {
    await started.close();
  }
  // A revoked key stays revoked after a restart (the renamed file is never read again).
  const issuer = await createIssuer({ dataDir: dir, passphrase: DEV_PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => issuer.close());
  const stored = await issuer.findApiKey(hashApiKey(oldKey));
  t.truthy(stored?.revokedAt);
  t.is((await issuer.apiKeys()).length, 5);
});

test('with TLS files configured the shipped service serves HTTPS', async (t) => {
  const dir = await tempDir('vneid-main-');
  t.teardown(() => removeDir(dir));
  const data = join(dir, 'data');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const started = await main(
    base(data, {
      VNEID_ISSUER_DEV_BOOTSTRAP: '1',
      VNEID_ISSUER_TLS_CERT: join(dir, 'cert.pem'),
      VNEID_ISSUER_TLS_KEY: join(dir, 'key.pem'),
    }),
  );
  try {
    t.regex(started.url, /^https:\/\//);
    const ca = await readFile(join(dir, 'cert.pem'), 'utf8');
    const status = await new Promise<number>((resolve, reject) =>
      https.get(`${started.url}/health`, { ca }, (res) => resolve(res.statusCode ?? 0)).on('error', reject),
    );
    t.is(status, 200);
    // Plain HTTP to the same port is not served.
    await t.throwsAsync(fetch(`${started.url.replace('https:', 'http:')}/health`));
  } finally {
    await started.close();
  }
});
