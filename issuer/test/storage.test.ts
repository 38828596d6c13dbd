import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { Level } from 'level';
import { createEncryptedKeyStore, createIssuer } from '../src/index.js';
import { freshIssuer, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const codeOf = (e: unknown) => (e instanceof VneidError ? e.code : undefined);

async function rawDb(dir: string) {
  const db = new Level<string, any>(join(dir, 'issuer.db'), { valueEncoding: 'json' });
  await db.open();
  return { db, sub: (name: string) => db.sublevel<string, any>(name, { valueEncoding: 'json' }) };
}

async function issueSome(n: number) {
  const { issuer, dir } = await freshIssuer({ dataDir: await tempDir() });
  for (let i = 0; i < n; i++) {
    await issuer.issue({
      ministry: 'bhxh',
      type: 'HealthInsuranceCard',
      subject: structuredClone(fixtures.HealthInsuranceCard) as never,
    });
  }
  await issuer.close();
  return dir;
}

test('a second instance on the same data directory gets DATABASE_LOCKED', async (t) => {
  const { issuer, dir, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const error = await t.throwsAsync(
    createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' }),
  );
  t.is(codeOf(error), 'DATABASE_LOCKED');
  t.truthy(issuer.getMinistry('bhxh'), 'the first instance is unaffected');
});

test('a wrong passphrase is KEYSTORE_LOCKED and the database is released again', async (t) => {
  const dir = await issueSome(0);
  t.teardown(() => removeDir(dir));
  const error = await t.throwsAsync(
    createIssuer({ dataDir: dir, passphrase: 'wrong', baseUrl: 'http://127.0.0.1:8080' }),
  );
  t.is(codeOf(error), 'KEYSTORE_LOCKED');
  const again = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.is(again.listMinistries().length, 3, 'state survives a reopen');
  const vc = await again.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: structuredClone(fixtures.CitizenIdentityCard) as never,
  });
  t.truthy(vc.proof, 'keys decrypt after reopening');
  await again.close();
});

test('no secret key appears in the LevelDB files; records are sealed with their key id as AAD', async (t) => {
  const { issuer, dir } = await freshIssuer();
  t.teardown(() => removeDir(dir));
  await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: structuredClone(fixtures.CitizenIdentityCard) as never,
    suite: 'eddsa-rdfc-2022',
  });
  const keyIds = issuer.listMinistries().flatMap((m) => m.keys.map((k) => k.id));
  await issuer.close();
  const { db, sub } = await rawDb(dir);
  const ks = sub('keystore');
  const store = await createEncryptedKeyStore(ks as never, PASSPHRASE);
  t.deepEqual((await store.list()).sort(), [...keyIds].sort());
  const secrets: string[] = [];
  for (const id of keyIds) {
    const k = await store.get(id);
    t.truthy(k?.secretKeyMultibase);
    secrets.push(k!.secretKeyMultibase!);
  }
  // Moving a sealed record to another key id fails authentication.
  const sealed = await ks.get(`key!${keyIds[0]}`);
  await ks.put(`key!${keyIds[1]}`, sealed);
  t.is(codeOf(await t.throwsAsync(store.get(keyIds[1]!))), 'KEYSTORE_LOCKED');
  t.is(codeOf(await t.throwsAsync(createEncryptedKeyStore(ks as never, 'not it'))), 'KEYSTORE_LOCKED');
  await db.close();
  const files = await readdir(join(dir, 'issuer.db'));
  let scanned = 0;
  for (const f of files) {
    const bytes = await readFile(join(dir, 'issuer.db', f));
    scanned += bytes.length;
    for (const secret of secrets) t.false(bytes.includes(Buffer.from(secret)), `${f} holds a secret key`);
  }
  t.true(scanned > 0);
});

test('the audit chain detects an edited entry', async (t) => {
  const dir = await issueSome(3);
  t.teardown(() => removeDir(dir));
  const { db, sub } = await rawDb(dir);
  const audit = sub('audit');
  const key = '0000000000000004';
  const entry = await audit.get(key);
  t.truthy(entry);
  entry.data = { ...entry.data, ministry: 'bo-cong-an' };
  await audit.put(key, entry);
  await db.close();
  const issuer = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => issuer.close());
  const result = await issuer.verifyAuditLog();
  t.false(result.valid);
  t.is(result.brokenAt, 4);
});

test('the audit chain detects a deleted entry and a cut tail', async (t) => {
  const dir = await issueSome(2);
  t.teardown(() => removeDir(dir));
  // Opened for inspection: the default start refuses such a store (STORE_INCONSISTENT, checked below).
  const check = async () => {
    const issuer = await createIssuer({
      dataDir: dir,
      passphrase: PASSPHRASE,
      baseUrl: 'http://127.0.0.1:8080',
      checkConsistency: false,
    });
    const r = await issuer.verifyAuditLog();
    await issuer.close();
    return r;
  };
  const intact = await check();
  t.true(intact.valid);
  const last = intact.entries;
  let { db, sub } = await rawDb(dir);
  await sub('audit').del(String(last).padStart(16, '0'));
  await db.close();
  const cut = await check();
  t.false(cut.valid);
  t.is(cut.brokenAt, last);
  const refused = await t.throwsAsync(
    createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' }),
  );
  t.is(codeOf(refused), 'STORE_INCONSISTENT');
  ({ db, sub } = await rawDb(dir));
  await sub('audit').del('0000000000000002');
  await db.close();
  const hole = await check();
  t.false(hole.valid);
  t.is(hole.brokenAt, 2);
});

test('rewriting the audit chain with recomputed hashes and head is detected: the chain is keyed by the passphrase', async (t) => {
  const dir = await issueSome(2);
  t.teardown(() => removeDir(dir));
  const { db, sub } = await rawDb(dir);
  const audit = sub('audit');
  const meta = sub('meta');
  // The attacker edits entry 4 and recomputes every later hash as a plain
  // SHA-256 chain would allow, then moves the head: all without the passphrase.
  const all: Array<[string, any]> = [];
  for await (const [k, v] of audit.iterator()) all.push([k, v]);
  let prev = all[2]![1].hash as string;
  for (const [k, entry] of all.slice(3)) {
    if (entry.seq === 4) entry.data = { ...entry.data, ministry: 'bhxh' };
    entry.prevHash = prev;
    entry.hash = createHash('sha256')
      .update(
        canonicalJson({
          seq: entry.seq,
          time: entry.time,
          event: entry.event,
          data: entry.data,
          prevHash: entry.prevHash,
        }),
      )
      .digest('hex');
    prev = entry.hash;
    await audit.put(k, entry);
  }
  await meta.put('audit-head', { seq: all.length, hash: prev });
  await db.close();
  // The head kept beside the store no longer matches: the start refuses…
  const refused = await t.throwsAsync(
    createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' }),
  );
  t.is(codeOf(refused), 'STORE_INCONSISTENT');
  // …and without that copy (an attacker can rewrite it too), the keyed chain still tells.
  const issuer = await createIssuer({
    dataDir: dir,
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
    checkConsistency: false,
  });
  t.teardown(() => issuer.close());
  const result = await issuer.verifyAuditLog();
  t.false(result.valid);
  t.is(result.brokenAt, 4, 'the first recomputed hash does not match the keyed chain');
});

test('a cut tail with a rewound head is caught against a head anchored elsewhere', async (t) => {
  const dir = await issueSome(2);
  t.teardown(() => removeDir(dir));
  let issuer = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  const anchor = issuer.auditHead();
  t.true((await issuer.verifyAuditLog({ anchor })).valid);
  await issuer.close();
  const { db, sub } = await rawDb(dir);
  const audit = sub('audit');
  const previous = await audit.get(String(anchor.seq - 1).padStart(16, '0'));
  await audit.del(String(anchor.seq).padStart(16, '0'));
  await sub('meta').put('audit-head', { seq: anchor.seq - 1, hash: previous.hash });
  await db.close();
  // The head kept beside the store catches the rewind at start…
  const refused = await t.throwsAsync(
    createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' }),
  );
  t.is(codeOf(refused), 'STORE_INCONSISTENT');
  t.is((refused as VneidError).details?.check, 'exported-head');
  // …and opened for inspection, the keyed chain alone cannot: only an anchor can.
  issuer = await createIssuer({
    dataDir: dir,
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
    checkConsistency: false,
  });
  t.teardown(() => issuer.close());
  t.true((await issuer.verifyAuditLog()).valid, 'without an anchor the rewound chain is self-consistent');
  const anchored = await issuer.verifyAuditLog({ anchor });
  t.false(anchored.valid);
  t.is(anchored.brokenAt, anchor.seq);
});

test('records hold ids, slots and a subject digest, never the subject', async (t) => {
  const dir = await issueSome(2);
  t.teardown(() => removeDir(dir));
  const { db } = await rawDb(dir);
  let all = '';
  for await (const [k, v] of db.iterator()) all += `${k}${JSON.stringify(v)}`;
  await db.close();
  t.false(all.includes(String(fixtures.HealthInsuranceCard.fullName)));
  t.false(all.includes(String(fixtures.HealthInsuranceCard.personalIdentificationNumber)));
  t.regex(all, /subjectDigest":"sha256-/);
});
