import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { Level } from 'level';
import { createIssuer } from '../src/index.js';
import { main } from '../src/main.js';
import { freshIssuer, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const open = (dataDir: string, checkConsistency?: boolean) =>
  createIssuer({
    dataDir,
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
    ...(checkConsistency === undefined ? {} : { checkConsistency }),
  });

async function storeWithFive(): Promise<{ dir: string; ids: string[] }> {
  const { issuer, dir } = await freshIssuer({ dataDir: await tempDir() });
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const vc = await issuer.issue({
      ministry: 'bhxh',
      type: 'HealthInsuranceCard',
      subject: structuredClone(fixtures.HealthInsuranceCard) as never,
    });
    ids.push(vc.id as string);
  }
  await issuer.close();
  return { dir, ids };
}

function refusal(t: import('ava').ExecutionContext, error: unknown, check: string) {
  t.true(error instanceof VneidError);
  t.is((error as VneidError).code, 'STORE_INCONSISTENT');
  t.is((error as VneidError).details?.check, check);
}

test('flipped bytes in the LevelDB write-ahead log: the start is refused, not served with records gone', async (t) => {
  const { dir, ids } = await storeWithFive();
  const pristine = await tempDir();
  t.teardown(() => Promise.all([removeDir(dir), removeDir(pristine)]));
  await cp(dir, pristine, { recursive: true });

  // The batches of this run are still in the write-ahead log (LevelDB moves them to tables on the next open).
  const files = await readdir(join(dir, 'issuer.db'));
  const log = files.find((f) => f.endsWith('.log'));
  t.truthy(log, 'a write-ahead log');
  const path = join(dir, 'issuer.db', log!);
  const bytes = await readFile(path);
  const at = bytes.indexOf(Buffer.from(ids[1]!));
  t.true(at > 0, 'the second issuance is in the log');
  for (let i = 0; i < 16; i++) bytes[at + i]! ^= 0xff;
  await writeFile(path, bytes);

  refusal(t, await t.throwsAsync(open(dir)), 'exported-head');
  // What the check prevents: LevelDB skips the damaged log silently and the rest looks valid.
  const inspected = await open(dir, false);
  const left = (await inspected.listRecords()).length;
  t.true(left < 5, `records lost (${left} of 5 left)`);
  t.true((await inspected.verifyAuditLog()).valid, 'the shortened chain alone still verifies');
  await inspected.close();

  // Negative twin: the same store, undamaged, starts with every record.
  const intact = await open(pristine);
  t.is((await intact.listRecords()).length, 5);
  t.true((await intact.verifyAuditLog()).valid);
  await intact.close();
});

async function raw(dir: string) {
  const db = new Level<string, any>(join(dir, 'issuer.db'), { valueEncoding: 'json' });
  await db.open();
  return { db, sub: (name: string) => db.sublevel<string, any>(name, { valueEncoding: 'json' }) };
}

test('a deleted record, a dropped allocation or a missing tip entry each stop the start with their check', async (t) => {
  const { dir, ids } = await storeWithFive();
  t.teardown(() => removeDir(dir));
  const copies: string[] = [];
  const copy = async () => {
    const c = await tempDir();
    copies.push(c);
    await cp(dir, c, { recursive: true });
    return c;
  };
  t.teardown(() => Promise.all(copies.map(removeDir)));

  const noRecord = await copy();
  let r = await raw(noRecord);
  await r.sub('records').del(ids[2]!);
  await r.db.close();
  refusal(t, await t.throwsAsync(open(noRecord)), 'allocations');

  const noAlloc = await copy();
  r = await raw(noAlloc);
  const allocKeys: string[] = [];
  for await (const k of r.sub('alloc').keys()) allocKeys.push(k);
  await r.sub('alloc').del(allocKeys[0]!);
  await r.db.close();
  refusal(t, await t.throwsAsync(open(noAlloc)), 'allocations');

  const noTip = await copy();
  r = await raw(noTip);
  const head = await r.sub('meta').get('audit-head');
  await r.sub('audit').del(String(head.seq).padStart(16, '0'));
  await r.db.close();
  refusal(t, await t.throwsAsync(open(noTip)), 'audit-gap');

  const hole = await copy();
  r = await raw(hole);
  await r.sub('audit').del('0000000000000003');
  await r.sub('audit').put('9999999999999999', { seq: 1 });
  await r.db.close();
  refusal(t, await t.throwsAsync(open(hole)), 'audit-tip');

  // A deleted store beside its exported head: not silently started empty.
  const emptied = await copy();
  await removeDir(join(emptied, 'issuer.db'));
  refusal(t, await t.throwsAsync(open(emptied)), 'exported-head');

  // Twin: the untouched store opens, and keeps issuing after the check.
  const issuer = await open(dir);
  t.is((await issuer.listRecords()).length, 5);
  await issuer.issue({
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
    subject: structuredClone(fixtures.HealthInsuranceCard) as never,
  });
  await issuer.close();
  const again = await open(dir);
  t.is((await again.listRecords()).length, 6);
  await again.close();
});

test('the start refuses a store that does not reach the audit head exported off the machine', async (t) => {
  const { dir } = await storeWithFive();
  t.teardown(() => removeDir(dir));
  const issuer = await open(dir);
  const head = issuer.auditHead();
  const earlier = { seq: 3, hash: '' };
  await issuer.close();
  const withAnchor = (auditAnchor: { seq: number; hash: string }) =>
    createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080', auditAnchor });
  refusal(t, await t.throwsAsync(withAnchor({ seq: head.seq + 1, hash: head.hash })), 'audit-anchor');
  refusal(t, await t.throwsAsync(withAnchor({ seq: head.seq, hash: '0'.repeat(64) })), 'audit-anchor');
  refusal(t, await t.throwsAsync(withAnchor({ ...earlier, hash: 'f'.repeat(64) })), 'audit-anchor');
  const ok = await withAnchor(head);
  t.is((await ok.listRecords()).length, 5);
  await ok.close();
});

test('the shipped service reads VNEID_AUDIT_ANCHOR_FILE at start and refuses a store behind it', async (t) => {
  const dir = await tempDir('vneid-main-');
  t.teardown(() => removeDir(dir));
  const env = { VNEID_ISSUER_DATA: dir, HOST: '127.0.0.1', PORT: '0', VNEID_SIGNING_WORKERS: '0' };
  const first = await main({ ...env, VNEID_ISSUER_DEV_BOOTSTRAP: '1' });
  await first.close();
  // The head the store keeps beside itself stands in for one exported off the machine.
  const exported = JSON.parse(await readFile(join(dir, 'audit-head.json'), 'utf8')) as { seq: number; hash: string };
  t.true(exported.seq > 0);
  const anchorFile = join(dir, 'anchor.json');
  await writeFile(anchorFile, JSON.stringify({ seq: exported.seq + 10, hash: exported.hash }));
  const refused = await t.throwsAsync(main({ ...env, VNEID_AUDIT_ANCHOR_FILE: anchorFile }));
  t.is((refused as VneidError).code, 'STORE_INCONSISTENT');
  await writeFile(anchorFile, JSON.stringify(exported));
  const again = await main({ ...env, VNEID_AUDIT_ANCHOR_FILE: anchorFile });
  t.is((await fetch(`${again.url}/health`)).status, 200);
  await again.close();
  await writeFile(anchorFile, '{not json');
  const unreadable = await t.throwsAsync(main({ ...env, VNEID_AUDIT_ANCHOR_FILE: anchorFile }));
  t.is((unreadable as { setting?: string }).setting, 'VNEID_AUDIT_ANCHOR_FILE');
});
