import { randomBytes } from 'node:crypto';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test from 'ava';
import pg from 'pg';
import { pino } from 'pino';
import { runCli } from '../src/cli/program.js';
import {
  createIssuer,
  createMonitoring,
  generateApiKey,
  hashApiKey,
  type Issuer,
  type StartedServer,
  startServer,
} from '../src/index.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

// The admin API on both engines: keys change in the running service and count from the next request.
let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

interface Admin {
  issuer: Issuer;
  databaseUrl?: string;
  url: string;
  token: string;
  logs: string[];
  metrics(): Promise<string>;
  call(method: string, path: string, bearer: string | undefined, body?: unknown): Promise<Response>;
}

async function startAdmin(
  t: { teardown(fn: () => Promise<void>): void },
  engine: 'leveldb' | 'postgres',
): Promise<Admin> {
  const dir = await tempDir('vneid-admin-');
  const databaseUrl = engine === 'postgres' ? await (server as TestPostgres).createDatabase() : undefined;
  const issuer = await createIssuer({
    ...(databaseUrl ? { databaseUrl } : { dataDir: dir }),
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
  });
  for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  const token = randomBytes(32).toString('base64url');
  const logs: string[] = [];
  const monitoring = createMonitoring(issuer);
  const started: StartedServer = await startServer({
    issuer,
    port: 0,
    monitoring,
    adminTokenSha256: hashApiKey(token),
    logger: pino({ level: 'info' }, { write: (line: string) => logs.push(line) }),
  });
  t.teardown(async () => {
    await started.close();
    await issuer.close();
    await removeDir(dir);
  });
  return {
    issuer,
    ...(databaseUrl ? { databaseUrl } : {}),
    url: started.url,
    token,
    logs,
    metrics: async () => (await monitoring.scrape()).body,
    call: (method, path, bearer, body) =>
      fetch(`${started.url}${path}`, {
        method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
  };
}

const issueBody = {
  credential: {
    type: ['VerifiableCredential', 'DrivingLicence'],
    credentialSubject: fixtures.DrivingLicence,
  },
  options: { suite: 'eddsa-rdfc-2022' },
};

for (const engine of ['leveldb', 'postgres'] as const) {
  test(`${engine}: an API key created through the admin API issues at once, is listed without its hash, and once revoked gets 401 on the next request — the service never restarts`, async (t) => {
    const a = await startAdmin(t, engine);
    const created = await a.call('POST', '/admin/api-keys', a.token, { ministry: 'bo-cong-an' });
    t.is(created.status, 201);
    const key = (await created.json()) as { id: string; ministry: string; apiKey: string; createdAt: string };
    t.is(key.ministry, 'bo-cong-an');
    t.regex(key.apiKey, /^vneid_/);
    t.is(key.id, hashApiKey(key.apiKey).slice(0, 16));

    const issued = await a.call('POST', '/credentials/issue', key.apiKey, issueBody);
    t.is(issued.status, 201);
    const vc = ((await issued.json()) as { verifiableCredential: { id: string } }).verifiableCredential;

    const listed = (await (await a.call('GET', '/admin/api-keys', a.token)).json()) as {
      apiKeys: Array<Record<string, unknown>>;
    };
    const row = listed.apiKeys.find((k) => k.id === key.id);
    t.deepEqual(Object.keys(row ?? {}).sort(), ['createdAt', 'id', 'ministry', 'revokedAt']);
    t.is(row?.revokedAt, null);
    t.false(JSON.stringify(listed).includes(hashApiKey(key.apiKey)), 'no hash in the listing');

    const record = await a.call('GET', `/admin/credentials/${encodeURIComponent(vc.id)}`, a.token);
    t.is(record.status, 200);
    t.is(((await record.json()) as { ministry: string }).ministry, 'bo-cong-an');

    const revoked = await a.call('POST', `/admin/api-keys/${key.id}/revoke`, a.token);
    t.is(revoked.status, 200);
    t.truthy(((await revoked.json()) as { revokedAt: string }).revokedAt);
    const after = await a.call('POST', '/credentials/issue', key.apiKey, issueBody);
    t.is(after.status, 401);
    t.is(((await after.json()) as { code: string }).code, 'UNAUTHENTICATED');

    // Rotation: the new key works, the old one stops.
    const second = (await (await a.call('POST', '/admin/api-keys', a.token, { ministry: 'bhxh' })).json()) as {
      id: string;
      apiKey: string;
    };
    const rotated = await a.call('POST', `/admin/api-keys/${second.id}/rotate`, a.token);
    t.is(rotated.status, 201);
    const next = (await rotated.json()) as { apiKey: string; replaces: string; ministry: string };
    t.is(next.replaces, second.id);
    t.is(next.ministry, 'bhxh');
    const hi = {
      credential: {
        type: ['VerifiableCredential', 'HealthInsuranceCard'],
        credentialSubject: fixtures.HealthInsuranceCard,
      },
      options: { suite: 'eddsa-rdfc-2022' },
    };
    t.is((await a.call('POST', '/credentials/issue', second.apiKey, hi)).status, 401);
    t.is((await a.call('POST', '/credentials/issue', next.apiKey, hi)).status, 201);
    const again = await a.call('POST', `/admin/api-keys/${second.id}/rotate`, a.token);
    t.is(again.status, 409);
    t.is(((await again.json()) as { code: string }).code, 'API_KEY_REVOKED');

    // The changes are in the audit chain, and the chain still verifies through the admin API.
    const check = await a.call('POST', '/admin/audit/check', a.token, {});
    t.is(check.status, 200);
    const verified = (await check.json()) as { valid: boolean; entries: number };
    t.true(verified.valid);
    // Each key change appended one entry: revoking once more (a no-op) adds one, a new key adds one.
    const before = a.issuer.auditHead().seq;
    await a.call('POST', '/admin/api-keys', a.token, { ministry: 'dhqghn' });
    t.is(a.issuer.auditHead().seq, before + 1);
    // The access log names the admin actions.
    t.true(a.logs.some((l) => l.includes('"action":"admin.api-key.revoke"') && l.includes('"log":"access"')));
  });
}

test('a token that is not the admin token, and a ministry API key, are refused on every admin route (401), counted and audited', async (t) => {
  const a = await startAdmin(t, 'leveldb');
  const ministryKey = generateApiKey();
  await a.issuer.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(ministryKey) });
  t.is(
    (await a.call('POST', '/credentials/issue', ministryKey, issueBody)).status,
    201,
    'the ministry key works where it belongs',
  );
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/admin/api-keys'],
    ['POST', '/admin/api-keys', { ministry: 'bo-cong-an' }],
    ['POST', '/admin/api-keys/0123456789abcdef/revoke'],
    ['POST', '/admin/api-keys/0123456789abcdef/rotate'],
    [
      'POST',
      '/admin/ministries',
      { slug: 'bo-y-te', name: { vi: 'Bộ Y tế', en: 'Ministry of Health' }, role: 'MinistryOfHealth' },
    ],
    ['POST', '/admin/ministries/bo-cong-an/keys/rotate', {}],
    ['GET', '/admin/credentials/urn:uuid:00000000-0000-4000-8000-000000000000'],
    ['POST', '/admin/audit/check', {}],
  ];
  for (const [method, path, body] of routes) {
    for (const bearer of [ministryKey, `${a.token}x`, undefined]) {
      const res = await a.call(method, path, bearer, body);
      t.is(res.status, 401, `${method} ${path}`);
      t.is(((await res.json()) as { code: string }).code, 'UNAUTHENTICATED');
    }
  }
  t.is(a.issuer.listMinistries().length, 3, 'nothing was added');
  t.is((await a.issuer.apiKeys()).length, 1, 'no key was created');
  t.regex(await a.metrics(), /vneid_auth_failures_total\{code="UNAUTHENTICATED"\} 24/);
  t.true(a.logs.some((l) => l.includes('"route":"/api-keys"') || l.includes('"log":"access"')));
  const head = a.issuer.auditHead();
  t.true(head.seq >= 24, 'each refusal is in the audit chain');
});

test('the admin API adds a ministry and rotates its signing key; bad input gets a code, an unknown key id 404; without an admin token configured /admin/ is 404', async (t) => {
  const a = await startAdmin(t, 'leveldb');
  const added = await a.call('POST', '/admin/ministries', a.token, {
    slug: 'dhqg-hcm',
    name: { vi: 'Đại học Quốc gia TP.HCM', en: 'Vietnam National University, Ho Chi Minh City' },
    role: 'AccreditedUniversity',
  });
  t.is(added.status, 201);
  const info = (await added.json()) as { slug: string; keys: Array<{ id: string }> };
  t.is(info.slug, 'dhqg-hcm');
  const rotated = await a.call('POST', '/admin/ministries/dhqg-hcm/keys/rotate', a.token, { keyType: 'P-256' });
  t.is(rotated.status, 201);
  const key = (await rotated.json()) as { id: string };
  t.not(key.id, info.keys[0]?.id);
  t.is(a.issuer.getMinistry('dhqg-hcm').keys.filter((k) => k.validUntil === undefined).length, 1);

  const bad = await a.call('POST', '/admin/ministries/dhqg-hcm/keys/rotate', a.token, { keyType: 'RSA' });
  t.is(bad.status, 400);
  t.is(((await bad.json()) as { code: string }).code, 'MALFORMED_VALUE_ERROR');
  const unknownMinistry = await a.call('POST', '/admin/api-keys', a.token, { ministry: 'no-such' });
  t.is(unknownMinistry.status, 404);
  t.is(((await unknownMinistry.json()) as { code: string }).code, 'UNKNOWN_MINISTRY');
  const noKey = await a.call('POST', '/admin/api-keys/0123456789abcdef/revoke', a.token);
  t.is(noKey.status, 404);
  const badId = await a.call('POST', '/admin/api-keys/not-an-id/revoke', a.token);
  t.is(badId.status, 400);
  const noRecord = await a.call('GET', '/admin/credentials/urn:uuid:00000000-0000-4000-8000-000000000000', a.token);
  t.is(((await noRecord.json()) as { code: string }).code, 'UNKNOWN_CREDENTIAL');

  const plain = await startServer({ issuer: a.issuer, port: 0, logger: pino({ level: 'silent' }) });
  t.teardown(() => plain.close());
  const off = await fetch(`${plain.url}/admin/api-keys`, { headers: { authorization: `Bearer ${a.token}` } });
  t.is(off.status, 404);
});

test('the admin API stages a key rotation with activateAt (published now, signing later); an activateAt in the past is 422 KEY_ACTIVATION_INVALID, a malformed one 400', async (t) => {
  const a = await startAdmin(t, 'leveldb');
  const before = a.issuer.getMinistry('bhxh').keys;
  const activateAt = new Date(Date.now() + 3_600_000).toISOString();
  const staged = await a.call('POST', '/admin/ministries/bhxh/keys/rotate', a.token, { keyType: 'P-256', activateAt });
  t.is(staged.status, 201);
  const key = (await staged.json()) as { id: string; validFrom: string };
  t.is(key.validFrom, new Date(Math.ceil(Date.parse(activateAt) / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
  const keys = a.issuer.getMinistry('bhxh').keys;
  t.deepEqual(
    keys.map((k) => k.id),
    [...before.map((k) => k.id), key.id],
  );
  // Until activateAt the old key still signs.
  const vc = await a.issuer.issue({
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
    subject: structuredClone(fixtures.HealthInsuranceCard) as never,
    suite: 'ecdsa-rdfc-2019',
  });
  t.is((vc.proof as { verificationMethod: string }).verificationMethod, before[0]!.id);

  for (const [body, status, code] of [
    [{ activateAt: new Date(Date.now() - 60_000).toISOString() }, 422, 'KEY_ACTIVATION_INVALID'],
    [{ activateAt: 'tomorrow' }, 400, 'MALFORMED_VALUE_ERROR'],
    [{ activateAt: 1_900_000_000 }, 400, 'MALFORMED_VALUE_ERROR'],
  ] as const) {
    const refused = await a.call('POST', '/admin/ministries/bhxh/keys/rotate', a.token, body);
    t.is(refused.status, status, JSON.stringify(body));
    t.is(((await refused.json()) as { code: string }).code, code);
  }
  t.is(a.issuer.getMinistry('bhxh').keys.length, keys.length, 'a refused rotation adds no key');
});

test('vneid-issuer admin … --url --token creates, lists and revokes keys of the running service; without the admin token it is refused', async (t) => {
  const a = await startAdmin(t, 'leveldb');
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        out: (s: string) => {
          out.stdout += s;
        },
        err: (s: string) => {
          out.stderr += s;
        },
        env: { ...process.env, VNEID_ADMIN_TOKEN: undefined },
        errIsTTY: false,
      },
    };
  };
  const create = io();
  t.is(
    await runCli(
      ['--url', a.url, 'admin', '--token', a.token, 'api-keys', 'create', '--ministry', 'bo-cong-an'],
      create.io,
    ),
    0,
  );
  const key = JSON.parse(create.out.stdout) as { id: string; apiKey: string };
  t.is((await a.call('POST', '/credentials/issue', key.apiKey, issueBody)).status, 201);
  const list = io();
  t.is(await runCli(['--url', a.url, 'admin', '--token', a.token, 'api-keys', 'list'], list.io), 0);
  t.true(list.out.stdout.includes(key.id));
  const revoke = io();
  t.is(await runCli(['--url', a.url, 'admin', '--token', a.token, 'api-keys', 'revoke', key.id], revoke.io), 0);
  t.is((await a.call('POST', '/credentials/issue', key.apiKey, issueBody)).status, 401);
  const check = io();
  t.is(await runCli(['--url', a.url, 'admin', '--token', a.token, 'audit-check'], check.io), 0);
  t.true((JSON.parse(check.out.stdout) as { valid: boolean }).valid);

  const refused = io();
  t.is(await runCli(['--url', a.url, 'admin', '--token', key.apiKey, 'api-keys', 'list'], refused.io), 2);
  t.regex(refused.out.stderr, /^UNAUTHENTICATED/);
  const missing = io();
  t.is(await runCli(['--url', a.url, 'admin', 'api-keys', 'list'], missing.io), 1);
  t.regex(missing.out.stderr, /--token/);
});

test('postgres: a tampered audit chain is reported by the admin audit check, and `admin audit-check` exits 2', async (t) => {
  const a = await startAdmin(t, 'postgres');
  const ok = { stdout: '', stderr: '' };
  const io = (o: typeof ok) => ({
    out: (s: string) => {
      o.stdout += s;
    },
    err: (s: string) => {
      o.stderr += s;
    },
    env: { ...process.env, VNEID_ADMIN_TOKEN: a.token },
    errIsTTY: false,
  });
  t.is(await runCli(['--url', a.url, 'admin', 'audit-check'], io(ok)), 0, ok.stderr);
  const client = new pg.Client({ connectionString: a.databaseUrl });
  await client.connect();
  try {
    // An insider edits one entry's data in the database.
    await client.query(
      `UPDATE audit_log SET entry = jsonb_set(entry::jsonb, '{data,slug}', '"bhxh-fake"')::json WHERE seq = 2`,
    );
  } finally {
    await client.end();
  }
  const res = await a.call('POST', '/admin/audit/check', a.token, {});
  t.is(res.status, 200);
  t.like(await res.json(), { valid: false, brokenAt: 2 });
  const broken = { stdout: '', stderr: '' };
  t.is(await runCli(['--url', a.url, 'admin', 'audit-check'], io(broken)), 2);
  t.false((JSON.parse(broken.stdout) as { valid: boolean }).valid);
});
