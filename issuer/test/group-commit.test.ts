import { type CryptosuiteName, type JsonObject, VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { openIssuer } from '../src/create-issuer.js';
import { createIssuer, type Issuer } from '../src/index.js';
import type { IssuanceRecord } from '../src/lib/types.js';
import { type IssuerDb, type Op, openIssuerDb } from '../src/storage/leveldb/db.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const BASE_URL = 'http://127.0.0.1:8080';

/** What the real LevelDB was asked to write, batch by batch. */
interface BatchLog {
  /** Per batch call: credential ids of the records and seqs of the audit entries it held, and its sync flag. */
  calls: Array<{ records: string[]; auditSeqs: number[]; sync: boolean }>;
  /** Highest audit seq of a batch that completed. */
  durableSeq: number;
}

type Interpose = (call: number, ops: Op[], db: IssuerDb) => Promise<void>;

/**
 * An issuer over the real LevelDB whose `batch` is wrapped (not replaced):
 * every call is logged and then goes to level itself. `interpose` runs
 * before the real call and may delay it or break it through level's own API.
 */
async function openLogged(dir: string, interpose?: Interpose) {
  const log: BatchLog = { calls: [], durableSeq: 0 };
  let db: IssuerDb | undefined;
  const issuer = await openIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: BASE_URL }, async (dataDir) => {
    const opened = await openIssuerDb(dataDir);
    const real = opened.root.batch.bind(opened.root) as unknown as (
      ops: Op[],
      options: { sync?: boolean },
    ) => Promise<void>;
    opened.root.batch = (async (ops: Op[], options: { sync?: boolean }) => {
      const call = log.calls.length + 1;
      log.calls.push({
        records: ops.filter((o) => o.type === 'put' && o.sublevel === opened.records).map((o) => o.key),
        auditSeqs: ops.flatMap((o) => (o.type === 'put' && o.sublevel === opened.audit ? [(o.value as any).seq] : [])),
        sync: options?.sync === true,
      });
      await interpose?.(call, ops, opened);
      await real(ops, options);
      for (const seq of log.calls[call - 1]!.auditSeqs) log.durableSeq = Math.max(log.durableSeq, seq);
    }) as never;
    db = opened;
    return opened;
  });
  for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  return { issuer, log, db: db! };
}

const request = (suite: CryptosuiteName) => ({
  ministry: 'bo-cong-an',
  type: 'DrivingLicence',
  subject: structuredClone(fixtures.DrivingLicence) as never,
  suite,
});

function slotsOf(vc: JsonObject): IssuanceRecord['status'] {
  const entries = vc.credentialStatus as Array<{ statusPurpose: string; statusListIndex: string; id: string }>;
  const slot = (purpose: string) => {
    const e = entries.find((s) => s.statusPurpose === purpose)!;
    return { listId: decodeURIComponent(e.id.split('/').pop()!.split('#')[0]!), index: Number(e.statusListIndex) };
  };
  return { revocation: slot('revocation'), suspension: slot('suspension') };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function writeFailure(t: import('ava').ExecutionContext, error: unknown, reason: string, label: string) {
  t.true(error instanceof VneidError, label);
  t.is((error as VneidError).code, 'STORAGE_WRITE_FAILED', label);
  t.is((error as VneidError).details?.reason, reason, label);
}

test('40 concurrent issues share synced batches, each acknowledged only once its batch is on disk; after a reopen every credential is there, the audit log verifies and no status index repeats', async (t) => {
  const dir = await tempDir();
  t.teardown(() => removeDir(dir));
  const { issuer, log, db } = await openLogged(dir);
  const before = log.calls.length;
  const N = 40;
  // Two suites (the first eddsa request creates an Ed25519 key: a write made
  // while holding the mutex, among queued issues) and one refusal in the mix.
  const settled = await Promise.allSettled([
    ...Array.from({ length: N }, async (_, i) => {
      const vc = await issuer.issue(request(i % 2 === 0 ? 'ecdsa-sd-2023' : 'eddsa-rdfc-2022'));
      // Acknowledged: its record and everything chained before it is on disk,
      // and the exported head never names an entry that is not.
      const batch = log.calls.find((c) => c.records.includes(vc.id as string));
      t.true(batch !== undefined && log.durableSeq >= Math.max(...batch.auditSeqs), 'its batch completed first');
      t.true(issuer.auditHead().seq <= log.durableSeq, 'auditHead() is never ahead of the disk');
      return vc;
    }),
    issuer.issue({ ...request('ecdsa-sd-2023'), subject: { ...fixtures.DrivingLicence, dateOfBirth: 'yesterday' } }),
  ]);
  const issued = settled.slice(0, N).map((s) => (s.status === 'fulfilled' ? s.value : t.fail(String(s.reason))));
  const refused = settled[N]!;
  t.is(refused.status === 'rejected' && (refused.reason as VneidError).code, 'SCHEMA_VALIDATION_ERROR');

  const calls = log.calls.slice(before);
  t.true(
    calls.every((c) => c.sync),
    'every batch is synced',
  );
  const recordBatches = calls.filter((c) => c.records.length > 0);
  t.is(
    recordBatches.reduce((n, c) => n + c.records.length, 0),
    N,
    'each record written once',
  );
  t.log(`${N} issues in ${recordBatches.length} batches: ${recordBatches.map((c) => c.records.length).join(' ')}`);
  t.true(recordBatches.length < N, 'group commit: fewer synced batches than issues');
  t.true(
    recordBatches.some((c) => c.records.length > 1),
    'some batch carries several issues',
  );
  t.is(db.writer.stats().batches, log.calls.length);
  // Chain order on disk: seqs strictly consecutive within and across batches.
  const seqs = log.calls.flatMap((c) => c.auditSeqs);
  t.deepEqual(
    seqs,
    Array.from({ length: seqs.length }, (_, i) => i + 1),
  );
  const head = issuer.auditHead();
  t.is(head.seq, seqs.length, 'the durable head caught up once everything was written');
  await issuer.close();

  const again = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: BASE_URL });
  t.teardown(() => again.close());
  for (const vc of issued) t.deepEqual((await again.getRecord(vc!.id as string)).status, slotsOf(vc!));
  const slots = (await again.listRecords()).flatMap((r) => [r.status!.revocation, r.status!.suspension]);
  t.is(slots.length, 2 * N);
  t.is(new Set(slots.map((s) => `${s.listId}#${s.index}`)).size, slots.length, 'status indexes are distinct');
  const audit = await again.verifyAuditLog({ anchor: head });
  t.true(audit.valid);
  t.is(audit.entries, head.seq);
  t.deepEqual(again.auditHead(), head);
});

test('a lone issue is written at once in its own synced batch, without waiting for others', async (t) => {
  const dir = await tempDir();
  t.teardown(() => removeDir(dir));
  const { issuer, log } = await openLogged(dir);
  t.teardown(() => issuer.close());
  for (let i = 0; i < 3; i++) {
    const before = log.calls.length;
    const vc = await issuer.issue(request('ecdsa-rdfc-2019'));
    t.deepEqual(
      log.calls.slice(before).map((c) => c.records),
      [[vc.id]],
    );
  }
});

test('a batch that fails rejects every caller in it with STORAGE_WRITE_FAILED (write-failed) and every later write; nothing acknowledged is lost and the audit log still verifies after a reopen', async (t) => {
  const dir = await tempDir();
  t.teardown(() => removeDir(dir));
  const N = 12;
  let first = 0;
  const opened = await openLogged(dir, async (call, _ops, realDb) => {
    if (first === 0 || call < first) return;
    if (call === first) {
      // A slow disk: the first issue's batch is in flight while the other N-1 queue behind it.
      await until(() => realDb.writer.stats().queued === N - 1, 'the others to queue');
    } else if (call === first + 1) {
      // The disk goes away under the group: the real level rejects the batch.
      await realDb.root.close();
    }
  });
  const { issuer, db } = opened;
  const earlier = await issuer.issue(request('ecdsa-sd-2023'));
  first = opened.log.calls.length + 1;
  const settled = await Promise.allSettled(Array.from({ length: N }, () => issuer.issue(request('ecdsa-sd-2023'))));
  const calls = opened.log.calls.slice(first - 1);
  t.is(calls.length, 2);
  t.is(calls[1]!.records.length, N - 1, 'the failed batch was a group');
  const ok = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  t.is(ok.length, 1);
  t.deepEqual(calls[0]!.records, [ok[0]!.id]);
  for (const s of settled)
    if (s.status === 'rejected') writeFailure(t, s.reason, 'write-failed', 'caller in the group');
  t.truthy(db.writer.failure);

  // Fail-stop: later writes are refused with the same code, before any work or batch.
  const callsBefore = opened.log.calls.length;
  writeFailure(t, await t.throwsAsync(issuer.issue(request('ecdsa-sd-2023'))), 'writes-stopped', 'issue');
  writeFailure(t, await t.throwsAsync(issuer.revoke(earlier.id as string)), 'writes-stopped', 'revoke');
  t.is(opened.log.calls.length, callsBefore);
  await issuer.close();

  const again = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: BASE_URL });
  t.teardown(() => again.close());
  const ids = (await again.listRecords()).map((r) => r.id).sort();
  t.deepEqual(ids, [earlier.id, ok[0]!.id].sort(), 'acknowledged records kept, the failed group absent');
  t.true((await again.verifyAuditLog()).valid);
  t.is((await again.verifyAuditLog()).entries, again.auditHead().seq);
  const next = await again.issue(request('ecdsa-sd-2023'));
  t.is((await again.getRecord(next.id as string)).state, 'active', 'the reopened issuer writes again');
  t.true((await again.verifyAuditLog()).valid);
});

test('a write refused by level with the database still open stops the writer too: a status change and issues queued in that batch are all rejected and none of them is applied', async (t) => {
  const dir = await tempDir();
  t.teardown(() => removeDir(dir));
  const N = 6;
  let first = 0;
  let issuer: Issuer | undefined;
  let revoking: Promise<unknown> | undefined;
  let target = '';
  const opened = await openLogged(dir, async (call, ops, realDb) => {
    if (first === 0 || call < first) return;
    if (call === first) {
      await until(() => realDb.writer.stats().queued === N - 1, 'the issues to queue');
      // A revocation joins the queue behind them (it waits in the mutex for its batch).
      revoking = issuer!.revoke(target, 'test');
      await until(() => realDb.writer.stats().queued === N, 'the revocation to queue');
    } else if (call === first + 1) {
      // An operation level itself refuses (LEVEL_INVALID_KEY): the whole batch is rejected.
      ops.push({ type: 'put', sublevel: realDb.meta, key: undefined as never, value: true });
    }
  });
  issuer = opened.issuer;
  target = (await issuer.issue(request('ecdsa-rdfc-2019'))).id as string;
  first = opened.log.calls.length + 1;
  const settled = await Promise.allSettled(Array.from({ length: N }, () => issuer!.issue(request('ecdsa-rdfc-2019'))));
  const revoked = await Promise.allSettled([revoking!]);
  t.is(settled.filter((s) => s.status === 'fulfilled').length, 1);
  for (const s of [...settled, ...revoked])
    if (s.status === 'rejected') writeFailure(t, s.reason, 'write-failed', 'in the group');
  t.is(revoked[0]!.status, 'rejected');
  t.true(opened.db.root.status === 'open', 'level is still open; the issuer stopped on its own');
  writeFailure(t, await t.throwsAsync(issuer.issue(request('ecdsa-rdfc-2019'))), 'writes-stopped', 'after');
  await issuer.close();

  const again = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: BASE_URL });
  t.teardown(() => again.close());
  t.is((await again.listRecords()).length, 2);
  t.is((await again.getRecord(target)).state, 'active', 'the failed revocation was not applied');
  t.true((await again.verifyAuditLog()).valid);
});
