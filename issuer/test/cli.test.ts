import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createIssuer, generateApiKey, hashApiKey, startServer } from '../src/index.js';
import { runCliCaptured } from './helpers/cli.js';
import { holderDid, MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const ISSUER_DIR = fileURLToPath(new URL('..', import.meta.url));
const silent = { info() {}, error() {} } as never;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the real CLI entry point (TypeScript sources through tsx), as an operator would run it. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import=tsx', '--conditions=source', 'src/cli.ts', ...args],
      {
        cwd: ISSUER_DIR,
        env: { ...process.env, VNEID_ISSUER_PASSPHRASE: PASSPHRASE, VNEID_ISSUER_DATA: undefined, ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The same CLI in this process (argv, environment and output injected): the
 * spawned runs above prove the entry point; the many negative cases run here
 * because each spawn costs a second of module loading.
 */
function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runCliCaptured(args, {
    ...process.env,
    VNEID_ISSUER_PASSPHRASE: PASSPHRASE,
    VNEID_ISSUER_DATA: undefined,
    ...env,
  });
}

/** A temp folder with a store holding the three development ministries (set up in-process: faster than spawning). */
async function store(t: { teardown(fn: () => Promise<void>): void }): Promise<{ dir: string; data: string }> {
  const dir = await tempDir('vneid-cli-');
  t.teardown(() => removeDir(dir));
  const data = join(dir, 'store');
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  await issuer.close();
  return { dir, data };
}

const HEALTH_HEADER =
  'socialInsuranceNumber,personalIdentificationNumber,fullName,dateOfBirth,sex,initialHealthFacility.facilityCode,initialHealthFacility.facilityName,coverageFrom,coverageTo,benefitLevel,validUntil';

function healthRow(overrides: Partial<Record<string, string>> = {}): string {
  const f = fixtures.HealthInsuranceCard;
  const cells = {
    socialInsuranceNumber: f.socialInsuranceNumber,
    personalIdentificationNumber: f.personalIdentificationNumber,
    fullName: f.fullName,
    dateOfBirth: f.dateOfBirth,
    sex: f.sex,
    facilityCode: f.initialHealthFacility.facilityCode,
    facilityName: `"${f.initialHealthFacility.facilityName}"`,
    coverageFrom: f.coverageFrom,
    coverageTo: f.coverageTo,
    benefitLevel: f.benefitLevel,
    validUntil: '2032-01-01T00:00:00+07:00',
    ...overrides,
  };
  return Object.values(cells).join(',');
}

test('keys create adds a key type, refuses to silently retire an active key, and keys rotate retires it', async (t) => {
  const { data } = await store(t);
  const ed = await cli(['--data', data, 'keys', 'create', '--ministry', 'bhxh', '--key-type', 'Ed25519']);
  t.is(ed.code, 0, ed.stderr);
  t.like(JSON.parse(ed.stdout), { id: 'did:web:127.0.0.1%3A8080:bhxh#key-2', keyType: 'Ed25519' });

  const again = await run(['--data', data, 'keys', 'create', '--ministry', 'bhxh']);
  t.is(again.code, 1);
  t.regex(again.stderr, /already has an active P-256 key .*use keys rotate/);

  const rotated = await run(['--data', data, 'keys', 'rotate', '--ministry', 'bhxh']);
  t.is(rotated.code, 0, rotated.stderr);
  t.like(JSON.parse(rotated.stdout), { id: 'did:web:127.0.0.1%3A8080:bhxh#key-3', keyType: 'P-256' });
  const list = JSON.parse((await run(['--data', data, 'ministry', 'list'])).stdout) as Array<{
    slug: string;
    keys: Array<{ id: string; validUntil?: string }>;
  }>;
  const keys = list.find((m) => m.slug === 'bhxh')!.keys;
  t.truthy(keys.find((k) => k.id.endsWith('#key-1'))?.validUntil, 'the old P-256 key is retired');
  t.is(keys.find((k) => k.id.endsWith('#key-3'))?.validUntil, undefined);

  const unknown = await run(['--data', data, 'keys', 'create', '--ministry', 'bo-ngoai-giao']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^UNKNOWN_MINISTRY: /);
});

test('keys rotate --activate-at stages the new key (published now, signing from then); a past or malformed time exits 2 with its code', async (t) => {
  const { data } = await store(t);
  const staged = await run([
    '--data',
    data,
    'keys',
    'rotate',
    '--ministry',
    'bhxh',
    '--activate-at',
    '2099-01-01T00:00:00+07:00',
  ]);
  t.is(staged.code, 0, staged.stderr);
  t.like(JSON.parse(staged.stdout), { id: 'did:web:127.0.0.1%3A8080:bhxh#key-2', validFrom: '2098-12-31T17:00:00Z' });
  const list = JSON.parse((await run(['--data', data, 'ministry', 'list'])).stdout) as Array<{
    slug: string;
    keys: Array<{ id: string; validUntil?: string }>;
  }>;
  const keys = list.find((m) => m.slug === 'bhxh')!.keys;
  t.is(keys.find((k) => k.id.endsWith('#key-1'))?.validUntil, '2098-12-31T17:02:00Z', 'the old key signs until then');

  const past = await run([
    '--data',
    data,
    'keys',
    'rotate',
    '--ministry',
    'bhxh',
    '--activate-at',
    '2020-01-01T00:00:00Z',
  ]);
  t.is(past.code, 2);
  t.regex(past.stderr, /^KEY_ACTIVATION_INVALID: /);
  const malformed = await run(['--data', data, 'keys', 'rotate', '--ministry', 'bhxh', '--activate-at', 'next week']);
  t.is(malformed.code, 2);
  t.regex(malformed.stderr, /^MALFORMED_VALUE_ERROR: /);
});

test('issue prints the signed credential; an invalid subject is refused with SCHEMA_VALIDATION_ERROR and its fields', async (t) => {
  const { dir, data } = await store(t);
  const subject = join(dir, 'subject.json');
  await writeFile(subject, JSON.stringify(fixtures.DrivingLicence));
  const holder = await holderDid();
  const ok = await cli([
    '--data',
    data,
    'issue',
    '--ministry',
    'bo-cong-an',
    '--type',
    'DrivingLicence',
    '--subject',
    subject,
    '--holder',
    holder,
    '--valid-until',
    '2036-01-01T00:00:00Z',
  ]);
  t.is(ok.code, 0, ok.stderr);
  const vc = JSON.parse(ok.stdout);
  t.deepEqual(vc.type, ['VerifiableCredential', 'DrivingLicence']);
  t.is(vc.issuer, 'did:web:127.0.0.1%3A8080:bo-cong-an');
  t.is(vc.credentialSubject.id, holder);
  t.is(vc.validUntil, '2036-01-01T00:00:00Z');
  t.is(vc.proof.cryptosuite, 'ecdsa-sd-2023');

  await writeFile(subject, JSON.stringify({ ...fixtures.DrivingLicence, dateOfBirth: '19/05/1978' }));
  const bad = await run([
    '--data',
    data,
    'issue',
    '--ministry',
    'bo-cong-an',
    '--type',
    'DrivingLicence',
    '--subject',
    subject,
  ]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^SCHEMA_VALIDATION_ERROR: /);
  t.regex(bad.stderr, /\/dateOfBirth FORMAT/);
  t.is(bad.stdout, '');

  const wrongMinistry = await run([
    '--data',
    data,
    'issue',
    '--ministry',
    'bhxh',
    '--type',
    'DrivingLicence',
    '--subject',
    subject,
  ]);
  t.is(wrongMinistry.code, 2);
  t.regex(wrongMinistry.stderr, /^ISSUER_NOT_AUTHORIZED: /);
});

test('issue-batch: one JSON line per row, a bad row refused alone, summary with counts per code on stderr', async (t) => {
  const { dir, data } = await store(t);
  const csv = join(dir, 'people.csv');
  await writeFile(
    csv,
    [
      HEALTH_HEADER,
      healthRow(),
      healthRow({ benefitLevel: '9' }),
      healthRow({ socialInsuranceNumber: '0107812399' }),
    ].join('\n'),
  );
  const batch = await cli(['--data', data, 'issue-batch', csv, '--ministry', 'bhxh', '--type', 'HealthInsuranceCard']);
  t.is(batch.code, 0, 'exit 0: at least one row was issued');
  const lines = batch.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.deepEqual(
    lines.map((l) => [l.row, l.ok]),
    [
      [1, true],
      [2, false],
      [3, true],
    ],
  );
  t.is(lines[1].error.code, 'SCHEMA_VALIDATION_ERROR');
  t.deepEqual(
    lines[0].credential.credentialSubject.initialHealthFacility,
    fixtures.HealthInsuranceCard.initialHealthFacility,
  );
  t.is(lines[0].credential.validUntil, '2031-12-31T17:00:00Z');
  t.is(lines[0].id, lines[0].credential.id);
  t.regex(batch.stderr, /3 rows in [\d.]+ s — issued 2, refused 1/);
  t.regex(batch.stderr, /refused SCHEMA_VALIDATION_ERROR: 1/);

  const strict = await run([
    '--data',
    data,
    'issue-batch',
    csv,
    '--ministry',
    'bhxh',
    '--type',
    'HealthInsuranceCard',
    '--strict',
  ]);
  t.is(strict.code, 3, '--strict: any refusal fails the run');

  await writeFile(csv, [HEALTH_HEADER, healthRow({ benefitLevel: '9' }), `${healthRow()},extra`].join('\n'));
  const none = await run(['--data', data, 'issue-batch', csv, '--ministry', 'bhxh', '--type', 'HealthInsuranceCard']);
  t.is(none.code, 3, 'nothing issued');
  t.regex(none.stderr, /refused MALFORMED_VALUE_ERROR: 1/);
  t.regex(none.stderr, /refused SCHEMA_VALIDATION_ERROR: 1/);

  await writeFile(csv, ['fullName,__proto__.polluted', 'A,B'].join('\n'));
  const hostile = await run([
    '--data',
    data,
    'issue-batch',
    csv,
    '--ministry',
    'bhxh',
    '--type',
    'HealthInsuranceCard',
  ]);
  t.is(hostile.code, 1);
  t.regex(hostile.stderr, /bad column name "__proto__.polluted"/);
});

test('revoke, suspend and reinstate change the state; revoking twice is STATUS_TRANSITION_ERROR', async (t) => {
  const { dir, data } = await store(t);
  const subject = join(dir, 'subject.json');
  await writeFile(subject, JSON.stringify(fixtures.CitizenIdentityCard));
  const issued = await run([
    '--data',
    data,
    'issue',
    '--ministry',
    'bo-cong-an',
    '--type',
    'CitizenIdentityCard',
    '--subject',
    subject,
  ]);
  const { id } = JSON.parse(issued.stdout) as { id: string };

  const suspended = await run(['--data', data, 'suspend', id, '--reason', 'mất thẻ — báo mất']);
  t.deepEqual(JSON.parse(suspended.stdout), { credentialId: id, state: 'suspended' });
  const reinstated = await run(['--data', data, 'reinstate', id]);
  t.deepEqual(JSON.parse(reinstated.stdout), { credentialId: id, state: 'active' });
  const revoked = await cli(['--data', data, 'revoke', id, '--reason', 'court order']);
  t.deepEqual(JSON.parse(revoked.stdout), { credentialId: id, state: 'revoked' });

  const again = await run(['--data', data, 'revoke', id]);
  t.is(again.code, 2);
  t.regex(again.stderr, /^STATUS_TRANSITION_ERROR: /);
  const unknown = await run(['--data', data, 'revoke', 'urn:uuid:00000000-0000-4000-8000-000000000000']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^UNKNOWN_CREDENTIAL: /);
});

test('the key store opens only with the passphrase from the environment', async (t) => {
  const { data } = await store(t);
  const missing = await run(['--data', data, 'ministry', 'list'], { VNEID_ISSUER_PASSPHRASE: undefined });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /VNEID_ISSUER_PASSPHRASE must be set/);
  const wrong = await run(['--data', data, 'ministry', 'list'], { VNEID_ISSUER_PASSPHRASE: 'not the passphrase' });
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /^KEYSTORE_LOCKED: /);
});

test('--url issues and revokes through a running service with the ministry API key; a bad key is UNAUTHENTICATED', async (t) => {
  const { dir, data } = await store(t);
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  const apiKey = generateApiKey();
  const server = await startServer({
    issuer,
    apiKeys: [{ ministry: 'bo-cong-an', sha256: hashApiKey(apiKey) }],
    port: 0,
    logger: silent,
  });
  t.teardown(async () => {
    await server.close();
    await issuer.close();
  });
  const subject = join(dir, 'subject.json');
  await writeFile(subject, JSON.stringify(fixtures.CitizenIdentityCard));
  const args = ['issue', '--ministry', 'bo-cong-an', '--type', 'CitizenIdentityCard', '--subject', subject];
  const issued = await run(['--url', server.url, ...args], { VNEID_ISSUER_API_KEY: apiKey });
  t.is(issued.code, 0, issued.stderr);
  const vc = JSON.parse(issued.stdout);
  t.is(vc.issuer, 'did:web:127.0.0.1%3A8080:bo-cong-an');
  t.is((await issuer.getRecord(vc.id)).state, 'active');

  const revoked = await run(['--url', server.url, '--api-key', apiKey, 'revoke', vc.id]);
  t.deepEqual(JSON.parse(revoked.stdout), { credentialId: vc.id, state: 'revoked' });
  t.is((await issuer.getRecord(vc.id)).state, 'revoked');

  const bad = await run(['--url', server.url, '--api-key', 'vneid_not-a-key', ...args]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^UNAUTHENTICATED: /);
  const remoteBatch = await run([
    '--url',
    server.url,
    '--api-key',
    apiKey,
    'issue-batch',
    subject,
    '--ministry',
    'x',
    '--type',
    'y',
  ]);
  t.is(remoteBatch.code, 1, 'batches run on the local store only');
});
