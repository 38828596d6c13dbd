import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { DEV_PASSPHRASE } from '../src/dev/bootstrap.js';
import { createIssuer, generateApiKey, hashApiKey, inspectBackup, restoreBackup } from '../src/index.js';
import { main } from '../src/main.js';
import { removeDir, tempDir } from './helpers/setup.js';

const base = (dataDir: string, extra: Record<string, string> = {}) => ({
  VNEID_ISSUER_DATA: dataDir,
  HOST: '127.0.0.1',
  PORT: '0',
  VNEID_SIGNING_WORKERS: '0',
  // Four lanes issue for as long as the backup takes (scrypt for its MAC included): the API key's rate limit is not
  // what this test is about.
  VNEID_RATE_LIMIT_BURST: '100000',
  VNEID_RATE_LIMIT_PER_SECOND: '100000',
  ...extra,
});

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('kill -USR2 makes the running service write a backup while it keeps issuing over HTTP', async (t) => {
  const dir = await tempDir('vneid-backup-service-');
  t.teardown(() => removeDir(dir));
  const data = join(dir, 'data');
  // A development store, then an API key this test knows.
  await (await main(base(data, { VNEID_ISSUER_DEV_BOOTSTRAP: '1' }))).close();
  const apiKey = generateApiKey();
  await writeFile(join(data, 'api-keys.json'), JSON.stringify([{ ministry: 'bhxh', sha256: hashApiKey(apiKey) }]));
  const service = await main(base(data));
  let closed = false;
  t.teardown(async () => {
    if (!closed) await service.close();
  });
  const issue = async () => {
    const response = await fetch(`${service.url}/credentials/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        credential: {
          type: ['VerifiableCredential', 'HealthInsuranceCard'],
          credentialSubject: fixtures.HealthInsuranceCard,
        },
        options: { suite: 'ecdsa-rdfc-2019' },
      }),
    });
    t.is(response.status, 201, await response.clone().text());
    return ((await response.json()) as { verifiableCredential: { id: string } }).verifiableCredential.id;
  };
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await issue());
  // Issuing goes on in four lanes while the signal's backup is written.
  let stop = false;
  const lanes = Array.from({ length: 4 }, async () => {
    while (!stop) ids.push(await issue());
  });
  process.kill(process.pid, 'SIGUSR2');
  const backups = join(data, 'backups');
  const file = await waitFor(async () => {
    const names = await readdir(backups).catch(() => [] as string[]);
    const done = names.find((n) => n.endsWith('.vnbak'));
    return done ? join(backups, done) : undefined;
  });
  stop = true;
  await Promise.all(lanes);
  t.regex(file, /issuer-\d{8}T\d{6}Z\.vnbak$/);
  // Written in the authenticated format, keyed by the service's configured passphrase.
  t.is((await inspectBackup(file)).authenticity, 'not-checked');
  const info = await inspectBackup(file, { passphrase: DEV_PASSPHRASE });
  t.like(info, { format: 'vneid-issuer-backup/2', authenticity: 'verified' });
  t.is(
    ((await t.throwsAsync(inspectBackup(file, { passphrase: 'another passphrase' }))) as { code?: string }).code,
    'BACKUP_NOT_AUTHENTIC',
  );
  t.true(info.records >= 5 && info.records <= ids.length, `${info.records} of ${ids.length}`);
  await service.close();
  closed = true;
  const into = join(dir, 'restored');
  await restoreBackup({ file, dataDir: into, passphrase: DEV_PASSPHRASE });
  const restored = await createIssuer({ dataDir: into, passphrase: DEV_PASSPHRASE, baseUrl: service.url });
  t.teardown(() => restored.close());
  // API keys live in the store (the api-keys.json above was imported at start): they came along.
  t.like(await restored.findApiKey(hashApiKey(apiKey)), { ministry: 'bhxh' }, 'the API key hash came along');
  t.is(await restored.findApiKey(hashApiKey(generateApiKey())), undefined);
  t.is((await restored.listRecords()).length, info.records);
  t.like(await restored.verifyAuditLog({ anchor: info.auditHead }), { valid: true });
  t.true(ids.slice(0, 5).every((id) => id.startsWith('urn:uuid:')));
  for (const id of ids.slice(0, 5)) t.is((await restored.getRecord(id)).id, id, 'credentials issued before are in it');
});
