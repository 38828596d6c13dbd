import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres } from '@vneid/test-support';
import test from 'ava';
import { createIssuer, generateApiKey, hashApiKey, type Issuer, inspectBackup, restoreBackup } from '../src/index.js';
import { runCliCaptured } from './helpers/cli.js';
import { freshIssuer, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const KEYED = {
  ministry: 'bhxh',
  type: 'HealthInsuranceCard',
  suite: 'eddsa-rdfc-2022' as const,
  idempotencyKey: 'batch-7-row-1',
};
const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;

function issueOne(issuer: Issuer) {
  return issuer.issue({
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
    subject: { ...fixtures.HealthInsuranceCard },
    suite: 'eddsa-rdfc-2022',
  });
}

async function backupOf(t: { teardown(fn: () => Promise<void>): void }, issued = 5) {
  const { issuer, dir, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  await issuer.createKey('bhxh', 'Ed25519');
  const ids: string[] = [];
  for (let i = 0; i < issued - 1; i++) ids.push((await issueOne(issuer)).id as string);
  ids.push((await issuer.issue({ ...KEYED, subject: { ...fixtures.HealthInsuranceCard } })).id as string);
  await issuer.revoke(ids[0] as string, 'test');
  await writeFile(join(dir, 'api-keys.json'), '[{"ministry":"bhxh","sha256":"00"}]\n');
  const work = await tempDir('vneid-backup-');
  t.teardown(() => removeDir(work));
  const file = join(work, 'a.vnbak');
  const summary = await issuer.backup({ file });
  return { issuer, dir, work, file, summary, ids };
}

test('a backup taken while issuing goes on restores into an empty folder as a consistent store', async (t) => {
  const { issuer, dir, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  await issuer.createKey('bhxh', 'Ed25519');
  const work = await tempDir('vneid-backup-');
  t.teardown(() => removeDir(work));
  for (let i = 0; i < 20; i++) await issueOne(issuer);
  // Eight lanes keep issuing before, during and after the backup.
  let stop = false;
  let issuedDuring = 0;
  let backingUp = false;
  const lanes = Array.from({ length: 8 }, async () => {
    let after = 0;
    while (!stop || after < 2) {
      await issueOne(issuer);
      if (backingUp) issuedDuring += 1;
      if (stop) after += 1;
    }
  });
  while ((await issuer.listRecords()).length < 40) await new Promise((r) => setTimeout(r, 5));
  backingUp = true;
  const summary = await issuer.backup({ file: join(work, 'live.vnbak') });
  backingUp = false;
  stop = true;
  await Promise.all(lanes);
  t.log(`${issuedDuring} issuances completed while the backup was written`);
  const live = await issuer.listRecords();
  t.true(summary.records >= 40 && summary.records < live.length, `${summary.records} of ${live.length}`);
  t.is(summary.format, 'vneid-issuer-backup/2');
  t.is(summary.authenticity, 'verified');
  t.regex(summary.hmac ?? '', /^[0-9a-f]{64}$/);
  t.regex(summary.sha256, /^[0-9a-f]{64}$/);
  t.deepEqual(await readdir(work), ['live.vnbak'], 'no partial file left behind');

  const into = join(work, 'restored');
  const info = await restoreBackup({ file: summary.file, dataDir: into, passphrase: PASSPHRASE });
  t.like(info, { records: summary.records, auditHead: summary.auditHead });
  const restored = await createIssuer({ dataDir: into, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => restored.close());
  const records = await restored.listRecords();
  t.is(records.length, summary.records);
  const liveIds = new Set(live.map((r) => r.id));
  t.true(
    records.every((r) => liveIds.has(r.id)),
    'every restored record is a live one',
  );
  t.deepEqual(restored.auditHead(), summary.auditHead, 'the snapshot ends at its own audit head');
  t.like(await restored.verifyAuditLog({ anchor: summary.auditHead }), { valid: true });
  // Whole issuances only: each restored record has its audit entry, and no entry names a missing record.
  const issuedEvents: string[] = [];
  for await (const e of restored.auditEntries())
    if (e.event === 'issued') issuedEvents.push(e.data.credentialId as string);
  t.deepEqual(issuedEvents.sort(), records.map((r) => r.id).sort());
  // The keys came along: the restored copy signs with the same DID.
  t.deepEqual(restored.didDocument('bhxh'), issuer.didDocument('bhxh'));
  t.is(((await issueOne(restored)).proof as { cryptosuite: string }).cryptosuite, 'eddsa-rdfc-2022');
  t.truthy(dir);
});

test('restore keeps status, idempotency keys and the side files; inspect reads a backup without restoring', async (t) => {
  const { issuer, work, file, summary, ids } = await backupOf(t);
  const info = await inspectBackup(file);
  t.like(info, { records: 5, files: 1, sha256: summary.sha256 });
  const into = join(work, 'fresh', 'nested');
  await restoreBackup({ file, dataDir: into, passphrase: PASSPHRASE });
  t.is(readFileSync(join(into, 'api-keys.json'), 'utf8'), '[{"ministry":"bhxh","sha256":"00"}]\n');
  const restored = await createIssuer({ dataDir: into, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => restored.close());
  t.is((await restored.getRecord(ids[0] as string)).state, 'revoked');
  // The revocation list is served as the live one is: the same signed credential, the revoked bit set.
  const listId = (await issuer.getRecord(ids[0] as string)).status?.revocation.listId as string;
  t.deepEqual(await restored.getStatusListCredential(listId), await issuer.getStatusListCredential(listId));
  // An idempotency key of the live store answers in the copy with the same credential.
  const again = await restored.issue({ ...KEYED, subject: { ...fixtures.HealthInsuranceCard } });
  t.is(again.id, ids.at(-1));
  t.is((await restored.listRecords()).length, 5, 'no second credential for the key');
});

test('restore refuses a folder that is not empty, and a backup cut short, altered or of another kind', async (t) => {
  const { work, file } = await backupOf(t, 2);
  const busy = join(work, 'busy');
  await mkdir(busy);
  await writeFile(join(busy, 'something'), 'x');
  const notEmpty = await t.throwsAsync(restoreBackup({ file, dataDir: busy, passphrase: PASSPHRASE }));
  t.is(codeOf(notEmpty), 'BACKUP_TARGET_NOT_EMPTY');
  t.deepEqual(await readdir(busy), ['something'], 'nothing written into it');

  const text = readFileSync(file, 'utf8');
  const lines = text.trimEnd().split('\n');
  const variants: Record<string, string> = {
    'cut short': `${lines.slice(0, -3).join('\n')}\n`,
    'no trailer': `${lines.slice(0, -1).join('\n')}\n`,
    'an entry altered': text.replace(/"v":"(.)/, (_m, c: string) => `"v":"${c === 'A' ? 'B' : 'A'}`),
    'an entry removed': `${[...lines.slice(0, 2), ...lines.slice(3)].join('\n')}\n`,
    'not a backup': '{"hello":"world"}\n',
    empty: '',
  };
  for (const [name, content] of Object.entries(variants)) {
    const bad = join(work, `${name.replace(/ /g, '-')}.vnbak`);
    writeFileSync(bad, content);
    const into = join(work, `into-${name.replace(/ /g, '-')}`);
    const error = await t.throwsAsync(
      restoreBackup({ file: bad, dataDir: into, passphrase: PASSPHRASE }),
      undefined,
      name,
    );
    t.is(codeOf(error), 'BACKUP_CORRUPT', name);
    t.deepEqual(await readdir(into).catch(() => []), [], `${name}: nothing restored`);
  }
  t.is(
    codeOf(
      await t.throwsAsync(
        restoreBackup({ file: join(work, 'missing.vnbak'), dataDir: join(work, 'm'), passphrase: PASSPHRASE }),
      ),
    ),
    'BACKUP_CORRUPT',
  );
});

/**
 * What an attacker with write access to the backups does: edit the lines,
 * then recompute the plain SHA-256 of everything before the trailer (and,
 * for a downgrade, rewrite the header and trailer as format /1).
 */
function forge(
  file: string,
  out: string,
  edit: (lines: string[]) => string[],
  options: { downgrade?: boolean } = {},
): void {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  let header = JSON.parse(lines[0] as string) as Record<string, unknown>;
  let trailer = JSON.parse(lines.at(-1) as string) as Record<string, unknown>;
  if (options.downgrade) {
    const { macSalt: _s, ...h } = header;
    const { hmac: _h, ...tr } = trailer;
    header = { ...h, format: 'vneid-issuer-backup/1' };
    trailer = tr;
  }
  const body = edit(lines.slice(1, -1));
  const text = `${[JSON.stringify(header), ...body].join('\n')}\n`;
  const entries = body.filter((l) => 'k' in JSON.parse(l)).length;
  const files = body.length - entries;
  const sha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(out, `${text}${JSON.stringify({ ...trailer, entries, files, sha256 })}\n`);
}

/** The API-key line an attacker adds: their own key's hash, for the ministry they want to issue as. */
function apiKeyLine(apiKey: string): string {
  const sha256 = hashApiKey(apiKey);
  const value = { createdAt: '2026-12-05T00:00:00.000Z', ministry: 'bhxh', sha256 };
  return JSON.stringify({
    k: Buffer.from(`!api-keys!${sha256}`, 'latin1').toString('base64'),
    v: Buffer.from(JSON.stringify(value)).toString('base64'),
  });
}

test('a backup forged without the passphrase (an API key added, the SHA-256 recomputed) never restores', async (t) => {
  const { work, file } = await backupOf(t, 2);
  const attackerKey = generateApiKey();
  const forgeries: Record<string, (lines: string[]) => string[]> = {
    'an API key added': (lines) => [apiKeyLine(attackerKey), ...lines],
    'api-keys.json replaced': (lines) =>
      lines.map((l) =>
        'file' in JSON.parse(l)
          ? JSON.stringify({
              file: 'api-keys.json',
              data: Buffer.from(JSON.stringify([{ ministry: 'bhxh', sha256: hashApiKey(attackerKey) }])).toString(
                'base64',
              ),
            })
          : l,
      ),
    'a status bit record edited': (lines) =>
      lines.map((l) => {
        const entry = JSON.parse(l) as { k?: string; v?: string };
        const key = entry.k ? Buffer.from(entry.k, 'base64').toString('latin1') : '';
        if (!key.startsWith('!records!') || !entry.v) return l;
        const value = JSON.parse(Buffer.from(entry.v, 'base64').toString('utf8'));
        return JSON.stringify({
          k: entry.k,
          v: Buffer.from(JSON.stringify({ ...value, state: 'active' })).toString('base64'),
        });
      }),
  };
  for (const [name, edit] of Object.entries(forgeries)) {
    const forged = join(work, `${name.replace(/ /g, '-')}.vnbak`);
    forge(file, forged, edit);
    t.notDeepEqual(readFileSync(forged), readFileSync(file), `${name}: the file changed`);
    // Only the digest is checked without the passphrase, and the result says so.
    t.is((await inspectBackup(forged)).authenticity, 'not-checked', name);
    const into = join(work, `into-${name.replace(/ /g, '-')}`);
    const error = await t.throwsAsync(restoreBackup({ file: forged, dataDir: into, passphrase: PASSPHRASE }));
    t.is(codeOf(error), 'BACKUP_NOT_AUTHENTIC', name);
    t.regex(error?.message ?? '', /not authentic/);
    t.deepEqual(await readdir(into).catch(() => []), [], `${name}: nothing written into the target`);
    t.is(
      codeOf(await t.throwsAsync(inspectBackup(forged, { passphrase: PASSPHRASE }))),
      'BACKUP_NOT_AUTHENTIC',
      `${name}: inspect with the passphrase`,
    );
  }
  // The genuine file restores with the passphrase, and the attacker's key is in no copy of it.
  t.is((await inspectBackup(file, { passphrase: PASSPHRASE })).authenticity, 'verified');
  const into = join(work, 'genuine');
  t.is((await restoreBackup({ file, dataDir: into, passphrase: PASSPHRASE })).authenticity, 'verified');
  const restored = await createIssuer({ dataDir: into, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => restored.close());
  t.is(await restored.findApiKey(hashApiKey(attackerKey)), undefined);
});

test('a backup is refused with another passphrase, an edited HMAC, or without a passphrase at all', async (t) => {
  const { work, file } = await backupOf(t, 2);
  const wrong = await t.throwsAsync(restoreBackup({ file, dataDir: join(work, 'w'), passphrase: `${PASSPHRASE}-not` }));
  t.is(codeOf(wrong), 'BACKUP_NOT_AUTHENTIC');
  t.deepEqual(await readdir(join(work, 'w')).catch(() => []), []);
  // One hex digit of the HMAC changed (the digest still matches: only the MAC catches it).
  const text = readFileSync(file, 'utf8');
  const edited = join(work, 'hmac.vnbak');
  writeFileSync(
    edited,
    text.replace(/"hmac":"(.)/, (_m, c: string) => `"hmac":"${c === '0' ? '1' : '0'}`),
  );
  const badMac = await t.throwsAsync(restoreBackup({ file: edited, dataDir: join(work, 'h'), passphrase: PASSPHRASE }));
  t.is(codeOf(badMac), 'BACKUP_NOT_AUTHENTIC');
  t.deepEqual(await readdir(join(work, 'h')).catch(() => []), []);
  // The salt in the header is covered too: changing it breaks the digest.
  const salted = join(work, 'salt.vnbak');
  writeFileSync(
    salted,
    text.replace(/"macSalt":"(.)/, (_m, c: string) => `"macSalt":"${c === 'A' ? 'B' : 'A'}`),
  );
  t.is(
    codeOf(await t.throwsAsync(restoreBackup({ file: salted, dataDir: join(work, 's'), passphrase: PASSPHRASE }))),
    'BACKUP_CORRUPT',
  );
  await t.throwsAsync(restoreBackup({ file, dataDir: join(work, 'n') } as never), { instanceOf: TypeError });
  t.deepEqual(await readdir(join(work, 'n')).catch(() => []), []);
});

test('an unauthenticated /1 backup is refused unless explicitly allowed', async (t) => {
  const { work, file, ids } = await backupOf(t, 3);
  const old = join(work, 'old.vnbak');
  forge(file, old, (lines) => lines, { downgrade: true });
  t.is((await inspectBackup(old)).authenticity, 'unauthenticated');
  const refused = await t.throwsAsync(restoreBackup({ file: old, dataDir: join(work, 'r'), passphrase: PASSPHRASE }));
  t.is(codeOf(refused), 'BACKUP_UNSUPPORTED');
  t.regex(refused?.message ?? '', /not authenticated.*allowUnauthenticated/);
  t.deepEqual(await readdir(join(work, 'r')).catch(() => []), [], 'nothing written');
  // The same downgrade with an API key added is what the flag lets through: it is for known old backups only.
  const into = join(work, 'allowed');
  const info = await restoreBackup({ file: old, dataDir: into, passphrase: PASSPHRASE, allowUnauthenticated: true });
  t.like(info, { format: 'vneid-issuer-backup/1', authenticity: 'unauthenticated', records: 3 });
  const restored = await createIssuer({ dataDir: into, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => restored.close());
  t.is((await restored.getRecord(ids[0] as string)).state, 'revoked');
  // The flag never excuses a /2 backup whose HMAC fails.
  const forged = join(work, 'forged.vnbak');
  forge(file, forged, (lines) => [apiKeyLine(generateApiKey()), ...lines]);
  t.is(
    codeOf(
      await t.throwsAsync(
        restoreBackup({ file: forged, dataDir: join(work, 'f'), passphrase: PASSPHRASE, allowUnauthenticated: true }),
      ),
    ),
    'BACKUP_NOT_AUTHENTIC',
  );
});

test('vneid-issuer backup and restore: a folder target gets a timestamped file; errors carry their codes', async (t) => {
  const { issuer, dir, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  await issuer.close();
  const work = await tempDir('vneid-backup-');
  t.teardown(() => removeDir(work));
  const run = (args: string[]) => runCliCaptured(args, { VNEID_ISSUER_PASSPHRASE: PASSPHRASE });
  const made = await run(['--data', dir, 'backup', '--to', work]);
  t.is(made.code, 0, made.stderr);
  const written = JSON.parse(made.stdout) as { file: string; records: number };
  t.regex(written.file, /issuer-\d{8}T\d{6}Z\.vnbak$/);
  t.regex(made.stderr, /^backup: .* 0 records, audit head seq \d+/);
  const restored = await run(['restore', written.file, '--into', join(work, 'r')]);
  t.is(restored.code, 0, restored.stderr);
  const again = await run(['restore', written.file, '--into', join(work, 'r')]);
  t.is(again.code, 2);
  t.regex(again.stderr, /^BACKUP_TARGET_NOT_EMPTY: /);
  // A forged copy (an API key added, the digest recomputed) and a /1 file: refused; /1 restores with the flag.
  forge(written.file, join(work, 'forged.vnbak'), (lines) => [apiKeyLine(generateApiKey()), ...lines]);
  const forged = await run(['restore', join(work, 'forged.vnbak'), '--into', join(work, 'f')]);
  t.is(forged.code, 2);
  t.regex(forged.stderr, /^BACKUP_NOT_AUTHENTIC: the backup is not authentic/);
  t.deepEqual(await readdir(join(work, 'f')).catch(() => []), []);
  forge(written.file, join(work, 'old.vnbak'), (lines) => lines, { downgrade: true });
  const old = await run(['restore', join(work, 'old.vnbak'), '--into', join(work, 'o')]);
  t.is(old.code, 2);
  t.regex(old.stderr, /^BACKUP_UNSUPPORTED: .*--allow-unauthenticated/);
  const allowed = await run(['restore', join(work, 'old.vnbak'), '--into', join(work, 'o'), '--allow-unauthenticated']);
  t.is(allowed.code, 0, allowed.stderr);
  writeFileSync(join(work, 'bad.vnbak'), 'nope\n');
  const bad = await run(['restore', join(work, 'bad.vnbak'), '--into', join(work, 'r2')]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^BACKUP_CORRUPT: /);
  // The store of a running service is locked: the CLI says so instead of copying a live folder.
  const holder = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => holder.close());
  const locked = await run(['--data', dir, 'backup', '--to', join(work, 'x.vnbak')]);
  t.is(locked.code, 2);
  t.regex(locked.stderr, /^DATABASE_LOCKED: /);
});

test('on PostgreSQL issuer.backup answers BACKUP_UNSUPPORTED: its own tools back it up', async (t) => {
  const server = await startTestPostgres();
  t.teardown(() => server.close());
  const issuer = await createIssuer({
    databaseUrl: await server.createDatabase(),
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
  });
  t.teardown(() => issuer.close());
  const work = await tempDir('vneid-backup-pg-');
  t.teardown(() => removeDir(work));
  const error = await t.throwsAsync(issuer.backup({ file: join(work, 'x.vnbak') }));
  t.is(codeOf(error), 'BACKUP_UNSUPPORTED');
  t.regex(error?.message ?? '', /pg_dump/);
  t.deepEqual(await readdir(work), [], 'no file written');
});
