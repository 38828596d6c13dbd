// The monitoring's audit check (vneid_audit_check_ok, alert VneidAuditCheckFailed: severity page,
// runbook "Stop issuance") calls verifyAuditLog while the service keeps issuing. Entries appended
// during the walk are appends, not a broken chain; an edited entry, or an entry past the stored
// head that no append explains, is still reported.
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { Level } from 'level';
import { createIssuer } from '../src/index.js';
import { freshIssuer, holderDid, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

async function issueUnder(issuer: Awaited<ReturnType<typeof freshIssuer>>['issuer'], checks: number) {
  const holder = await holderDid();
  let issuing = true;
  let issued = 0;
  const load = (async () => {
    while (issuing) {
      await issuer.issue({
        ministry: 'bo-cong-an',
        type: 'DrivingLicence',
        subject: structuredClone(fixtures.DrivingLicence),
        holder,
        suite: 'eddsa-rdfc-2022',
      } as never);
      issued += 1;
    }
  })();
  const results = [];
  for (let i = 0; i < checks; i++) results.push(await issuer.verifyAuditLog());
  issuing = false;
  await load;
  return { results, issued };
}

test('verifyAuditLog on a healthy chain, while credentials are being issued, reports it valid', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const { results, issued } = await issueUnder(issuer, 20);
  t.true(issued > 0);
  const final = await issuer.verifyAuditLog();
  t.true(final.valid, 'the chain is intact once issuing stops');
  const falseAlarms = results.filter((r) => !r.valid);
  t.is(
    falseAlarms.length,
    0,
    `false "broken chain" reports during issuance: ${JSON.stringify(falseAlarms.slice(0, 3))}`,
  );
});

async function tamperedIssuer(edit: (audit: any, meta: any) => Promise<void>) {
  const dir = await tempDir();
  const first = await freshIssuer({ dataDir: dir });
  await first.issuer.issue({
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
    subject: structuredClone(fixtures.HealthInsuranceCard) as never,
  });
  await first.issuer.close();
  const db = new Level<string, any>(join(dir, 'issuer.db'), { valueEncoding: 'json' });
  await db.open();
  await edit(
    db.sublevel<string, any>('audit', { valueEncoding: 'json' }),
    db.sublevel<string, any>('meta', { valueEncoding: 'json' }),
  );
  await db.close();
  // Opened for inspection: a store whose audit tip and head disagree is refused for serving (STORE_INCONSISTENT).
  const open = (checkConsistency: boolean) =>
    createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080', checkConsistency });
  const issuer = await open(false);
  return {
    issuer,
    open,
    cleanup: async () => {
      await issuer.close();
      await removeDir(dir);
    },
  };
}

test('an edited entry is still reported while credentials are being issued', async (t) => {
  const { issuer, cleanup } = await tamperedIssuer(async (audit) => {
    const entry = await audit.get('0000000000000002');
    entry.data = { ...entry.data, tampered: true };
    await audit.put('0000000000000002', entry);
  });
  t.teardown(cleanup);
  const { results } = await issueUnder(issuer, 5);
  t.true(
    results.every((r) => !r.valid && r.brokenAt === 2),
    JSON.stringify(results),
  );
});

test('an entry past the stored head that no append explains is reported, not taken for an append', async (t) => {
  const { issuer, cleanup } = await tamperedIssuer(async (audit, meta) => {
    // A genuine entry's head is rewound by one: the last entry now lies beyond the head.
    const head = await meta.get('audit-head');
    const previous = await audit.get(String(head.seq - 1).padStart(16, '0'));
    await meta.put('audit-head', { seq: head.seq - 1, hash: previous.hash });
  });
  t.teardown(cleanup);
  const result = await issuer.verifyAuditLog();
  t.false(result.valid);
});

test('an entry past the stored head stops a start for serving: the store is inconsistent (audit-gap)', async (t) => {
  const { issuer, open, cleanup } = await tamperedIssuer(async (audit, meta) => {
    const head = await meta.get('audit-head');
    const previous = await audit.get(String(head.seq - 1).padStart(16, '0'));
    await meta.put('audit-head', { seq: head.seq - 1, hash: previous.hash });
  });
  t.teardown(cleanup);
  await issuer.close();
  const error = await t.throwsAsync(open(true));
  t.is((error as { code?: string }).code, 'STORE_INCONSISTENT');
  t.is((error as { details?: { check?: string } }).details?.check, 'audit-gap');
});
