import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createIssuer, type Issuer } from '../src/index.js';
import { runCliCaptured } from './helpers/cli.js';
import { startTestService } from './helpers/service.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const ISSUER_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Report {
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  recoveryPoint: {
    backupAgeSeconds: number;
    recordsMissing: number;
    auditEntriesMissing: number;
    statusListsDiffering: string[];
  };
  recoveryTimeSeconds: number;
  credentialId?: string;
}

function issueOne(issuer: Issuer) {
  return issuer.issue({
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
    subject: { ...fixtures.HealthInsuranceCard },
    suite: 'eddsa-rdfc-2022',
  });
}

/**
 * A live store that went on after its backup: three more credentials and a
 * revocation the backup lacks. The anchor is the head exported before the backup.
 */
async function liveWithBackup(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = await tempDir('vneid-drill-');
  t.teardown(() => removeDir(dir));
  const data = join(dir, 'live');
  const backups = join(dir, 'backups');
  await mkdir(backups);
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  await issuer.createKey('bhxh', 'Ed25519');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await issueOne(issuer)).id as string);
  await issuer.suspend(ids[0] as string);
  const anchor = join(dir, 'anchor.json');
  await writeFile(anchor, JSON.stringify(issuer.auditHead()));
  await issuer.backup({ file: join(backups, 'issuer-20261205T000000Z.vnbak') });
  const file = join(backups, 'issuer-20261205T000001Z.vnbak');
  const summary = await issuer.backup({ file });
  for (let i = 0; i < 3; i++) await issueOne(issuer);
  await issuer.revoke(ids[1] as string);
  const revokedList = (await issuer.getRecord(ids[1] as string)).status?.revocation.listId as string;
  const laterHead = issuer.auditHead();
  await issuer.close();
  return { dir, data, backups, file, anchor, summary, revokedList, laterHead };
}

const run = (args: string[]) => runCliCaptured(args, { VNEID_ISSUER_PASSPHRASE: PASSPHRASE });

test('vneid-issuer drill restores the latest backup, checks it against the live store and prints its recovery point and time', async (t) => {
  const { data, backups, anchor, summary, revokedList } = await liveWithBackup(t);
  // The real entry point, as CI and an operator run it.
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [
        '--import=tsx',
        '--conditions=source',
        'src/cli.ts',
        '--data',
        data,
        'drill',
        '--backup',
        backups,
        '--anchor',
        anchor,
      ],
      { cwd: ISSUER_DIR, env: { ...process.env, VNEID_ISSUER_PASSPHRASE: PASSPHRASE }, timeout: 60_000 },
      (error, out, err) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: out, stderr: err }),
    ),
  );
  t.is(code, 0, stderr);
  t.log(stderr);
  const report = JSON.parse(stdout) as Report & { backup: { file: string } };
  t.true(report.ok);
  t.is(report.backup.file, summary.file, 'the latest backup of the folder');
  t.deepEqual(
    report.checks.map((c) => [c.name, c.ok]),
    [
      ['restore', true],
      ['audit-chain', true],
      ['backup-in-live-chain', true],
      ['status-lists', true],
      ['issue-and-verify', true],
    ],
  );
  t.is(report.recoveryPoint.recordsMissing, 3, 'the three credentials issued after the backup');
  t.is(report.recoveryPoint.auditEntriesMissing, 4, 'three issuances and a revocation');
  t.deepEqual(report.recoveryPoint.statusListsDiffering, [revokedList], 'only the list changed after the backup');
  t.true(report.recoveryPoint.backupAgeSeconds >= 0 && report.recoveryPoint.backupAgeSeconds < 120);
  t.true(report.recoveryTimeSeconds > 0 && report.recoveryTimeSeconds < 60);
  t.regex(stderr, /drill: PASSED/);
  t.regex(stderr, /ok {3}restore: .*HMAC verified/);
  t.regex(
    stderr,
    /recovery point: the backup is [\d.]+ s old and lacks 3 records, 4 audit entries and the latest bits of 1 status lists/,
  );
  t.regex(stderr, /recovery time: [\d.]+ s/);
  t.regex(report.credentialId ?? '', /^urn:uuid:/);
  // The drill issued into its own copy only.
  const live = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => live.close());
  t.is((await live.listRecords()).length, summary.records + 3);
});

test('the drill refuses a backup whose audit log was rewritten and digest recomputed; as an allowed /1 its chain check fails', async (t) => {
  const { dir, data, file } = await liveWithBackup(t);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  let edited = false;
  const body = lines.slice(1, -1).map((line) => {
    const entry = JSON.parse(line) as { k?: string; v?: string };
    const key = entry.k ? Buffer.from(entry.k, 'base64').toString('latin1') : '';
    if (edited || !key.startsWith('!audit!') || !entry.v) return line;
    const value = JSON.parse(Buffer.from(entry.v, 'base64').toString('utf8'));
    if (value.event !== 'issued') return line;
    edited = true;
    value.data.keyId = 'did:web:attacker.example#key-1';
    return JSON.stringify({ k: entry.k, v: Buffer.from(JSON.stringify(value)).toString('base64') });
  });
  t.true(edited, 'an issued entry was rewritten');
  // As an attacker would: the plain SHA-256 recomputed, the HMAC left as it was (or dropped, claiming format /1).
  const write = (out: string, header: Record<string, unknown>, trailer: Record<string, unknown>) => {
    const text = `${[JSON.stringify(header), ...body].join('\n')}\n`;
    writeFileSync(
      out,
      `${text}${JSON.stringify({ ...trailer, sha256: createHash('sha256').update(text).digest('hex') })}\n`,
    );
  };
  const header = JSON.parse(lines[0] as string) as Record<string, unknown>;
  const trailer = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
  write(file, header, trailer);
  const refused = await run(['--data', data, 'drill', '--backup', file]);
  t.is(refused.code, 2, refused.stderr);
  t.regex(refused.stderr, /^BACKUP_NOT_AUTHENTIC: /);
  t.is(refused.stdout, '', 'no report: nothing was restored');

  const { macSalt: _s, ...oldHeader } = header;
  const { hmac: _h, ...oldTrailer } = trailer;
  const old = join(dir, 'old.vnbak');
  write(old, { ...oldHeader, format: 'vneid-issuer-backup/1' }, oldTrailer);
  const unsupported = await run(['--data', data, 'drill', '--backup', old]);
  t.is(unsupported.code, 2);
  t.regex(unsupported.stderr, /^BACKUP_UNSUPPORTED: .*not authenticated/);
  // Allowed explicitly, the keyed audit chain still catches the rewrite.
  const { code, stdout, stderr } = await run(['--data', data, 'drill', '--backup', old, '--allow-unauthenticated']);
  t.is(code, 4, stderr);
  const report = JSON.parse(stdout) as Report;
  t.false(report.ok);
  t.like(
    report.checks.find((c) => c.name === 'audit-chain'),
    { ok: false },
  );
  t.regex(stderr, /drill: FAILED/);
  t.regex(stderr, /ok {3}restore: .*NOT authenticated/);
  t.regex(stderr, /FAIL audit-chain: broken at seq \d+/);
});

test('the drill fails when the exported head is newer than the backup, and refuses a corrupt backup', async (t) => {
  const { dir, data, file, laterHead } = await liveWithBackup(t);
  const later = join(dir, 'later.json');
  await writeFile(later, JSON.stringify(laterHead));
  const stale = await run(['--data', data, 'drill', '--backup', file, '--anchor', later]);
  t.is(stale.code, 4);
  t.regex(stale.stderr, /FAIL audit-chain: .*the anchor is newer than the backup/);
  writeFileSync(join(dir, 'cut.vnbak'), readFileSync(file, 'utf8').split('\n').slice(0, 5).join('\n'));
  const cut = await run(['--data', data, 'drill', '--backup', join(dir, 'cut.vnbak')]);
  t.is(cut.code, 2);
  t.regex(cut.stderr, /^BACKUP_CORRUPT: /);
  const empty = join(dir, 'no-backups');
  await mkdir(empty);
  const none = await run(['--data', data, 'drill', '--backup', empty]);
  t.is(none.code, 1);
  t.regex(none.stderr, /no \*\.vnbak backup/);
});

test('drill --url compares with the running service’s public status lists while it holds its store', async (t) => {
  const service = await startTestService();
  t.teardown(() => service.close());
  const { issuer } = service;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const vc = await issuer.issue({
      ministry: 'bhxh',
      type: 'HealthInsuranceCard',
      subject: { ...fixtures.HealthInsuranceCard },
      suite: 'ecdsa-rdfc-2019',
    });
    ids.push(vc.id as string);
  }
  const work = await tempDir('vneid-drill-url-');
  t.teardown(() => removeDir(work));
  const file = join(work, 'issuer-20261205T000000Z.vnbak');
  await issuer.backup({ file });
  await new Promise((r) => setTimeout(r, 1100));
  await issuer.revoke(ids[0] as string);
  const revokedList = (await issuer.getRecord(ids[0] as string)).status?.revocation.listId as string;
  const { code, stdout, stderr } = await run(['--url', service.url, 'drill', '--backup', work]);
  t.is(code, 0, stderr);
  const report = JSON.parse(stdout) as Report;
  t.deepEqual(
    report.checks.map((c) => [c.name, c.ok]),
    [
      ['restore', true],
      ['audit-chain', true],
      ['status-lists', true],
      ['issue-and-verify', true],
    ],
  );
  t.like(report.recoveryPoint, {
    recordsMissing: null,
    auditEntriesMissing: null,
    statusListsDiffering: [revokedList],
  });
  t.regex(stderr, /lacks \? records \(not known over --url\)/);
  // Its negative twin: a URL that is not an issuer's.
  const wrong = await run(['--url', `${service.url}/nowhere`, 'drill', '--backup', work]);
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /^STATUS_RETRIEVAL_ERROR: /);
});
