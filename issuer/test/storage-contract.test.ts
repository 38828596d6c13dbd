import { gunzipSync } from 'node:zlib';
import { type JsonObject, VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import pg from 'pg';
import { type CreateIssuerOptions, createIssuer, type Issuer } from '../src/index.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

// One suite, two engines: every contract test runs on LevelDB and on a real PostgreSQL server started here.
const BASE_URL = 'http://127.0.0.1:8080';
let server: TestPostgres | undefined;

test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

type Engine = 'leveldb' | 'postgres';

interface Opened {
  open(options?: Partial<CreateIssuerOptions>): Promise<Issuer>;
  cleanup(): Promise<void>;
}

/** A fresh store of `engine`; `open()` may be called again for a second instance (PostgreSQL) or a reopen. */
async function store(engine: Engine): Promise<Opened> {
  if (engine === 'postgres') {
    const url = await (server as TestPostgres).createDatabase();
    return {
      open: (options = {}) => createIssuer({ databaseUrl: url, passphrase: PASSPHRASE, baseUrl: BASE_URL, ...options }),
      cleanup: async () => undefined,
    };
  }
  const dir = await tempDir();
  return {
    open: (options = {}) => createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: BASE_URL, ...options }),
    cleanup: () => removeDir(dir),
  };
}

const request = (idempotencyKey?: string) => ({
  ministry: 'bo-cong-an',
  type: 'DrivingLicence',
  subject: structuredClone(fixtures.DrivingLicence) as never,
  suite: 'eddsa-rdfc-2022' as const,
  ...(idempotencyKey ? { idempotencyKey } : {}),
});

function slotsOf(vc: JsonObject): string[] {
  return (vc.credentialStatus as Array<{ id: string }>).map((s) => s.id);
}

function bitOf(list: JsonObject, vc: JsonObject, purpose: string): boolean {
  const entry = (vc.credentialStatus as Array<{ statusPurpose: string; statusListIndex: string }>).find(
    (s) => s.statusPurpose === purpose,
  )!;
  const encoded = (list.credentialSubject as { encodedList: string }).encodedList;
  const bytes = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  return ((bytes[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

function code(t: ExecutionContext, error: unknown, expected: string) {
  t.true(error instanceof VneidError, String(error));
  t.is((error as VneidError).code as string, expected);
}

for (const engine of ['leveldb', 'postgres'] as const) {
  test(`${engine}: statusListFill counts allocations from the list counters (one per issuance per purpose), zero in lists not used`, async (t) => {
    const s = await store(engine);
    const issuer = await s.open();
    t.teardown(async () => {
      await issuer.close();
      await s.cleanup();
    });
    t.deepEqual(await issuer.statusListFill(), []);
    await issuer.addMinistry(MINISTRIES.bca);
    const before = await issuer.statusListFill();
    t.true(before.length > 0 && before.every((l) => l.allocated === 0));
    for (let i = 0; i < 3; i++) await issuer.issue(request());
    const fill = await issuer.statusListFill();
    for (const purpose of ['revocation', 'suspension']) {
      const used = fill.filter((l) => l.ministry === 'bo-cong-an' && l.purpose === purpose && l.allocated > 0);
      t.deepEqual(
        used.map((l) => l.allocated),
        [3],
        purpose,
      );
    }
    t.true(
      fill.some((l) => l.allocated === 0),
      'the standby lists hold no allocation',
    );
  });

  test(`${engine}: issuances are recorded once each with unique indexes, survive a reopen, and the audit log verifies`, async (t) => {
    const s = await store(engine);
    let issuer = await s.open();
    t.is(issuer.storageEngine, engine);
    await issuer.addMinistry(MINISTRIES.bca);
    const vcs = await Promise.all(Array.from({ length: 12 }, () => issuer.issue(request())));
    await issuer.close();
    issuer = await s.open();
    const records = await issuer.listRecords();
    t.is(records.length, 12);
    t.deepEqual(records.map((r) => r.id).sort(), vcs.map((v) => v.id as string).sort());
    const slots = vcs.flatMap(slotsOf);
    t.is(new Set(slots).size, slots.length, 'no index handed out twice');
    const verified = await issuer.verifyAuditLog({ anchor: issuer.auditHead() });
    t.true(verified.valid);
    t.true(verified.entries >= 14);
    // Negative twin: an anchor the chain does not hold is caught.
    const forged = await issuer.verifyAuditLog({ anchor: { seq: 3, hash: 'f'.repeat(64) } });
    t.false(forged.valid);
    await issuer.close();
    await s.cleanup();
  });

  test(`${engine}: an idempotency key returns the first credential and allocates nothing more; the same key with another request is IDEMPOTENCY_KEY_REUSED`, async (t) => {
    const s = await store(engine);
    const issuer = await s.open();
    await issuer.addMinistry(MINISTRIES.bca);
    const [a, b] = await Promise.all([issuer.issue(request('batch-7:row-1')), issuer.issue(request('batch-7:row-1'))]);
    const c = await issuer.issue(request('batch-7:row-1'));
    t.deepEqual(a, b);
    t.deepEqual(a, c);
    t.is((await issuer.listRecords()).length, 1, 'one record for three calls');
    // Another key is another credential.
    const d = await issuer.issue(request('batch-7:row-2'));
    t.not(d.id, a.id);
    const other = { ...request('batch-7:row-1'), validUntil: '2040-01-01T00:00:00Z' };
    code(t, await t.throwsAsync(issuer.issue(other)), 'IDEMPOTENCY_KEY_REUSED');
    code(t, await t.throwsAsync(issuer.issue(request(' bad key'))), 'MALFORMED_VALUE_ERROR');
    t.is((await issuer.listRecords()).length, 2);
    await issuer.close();
    await s.cleanup();
  });

  test(`${engine}: changeStatus changes many credentials in one transaction, and one bad id changes none`, async (t) => {
    const s = await store(engine);
    const issuer = await s.open();
    await issuer.addMinistry(MINISTRIES.bca);
    const vcs = await Promise.all(Array.from({ length: 5 }, () => issuer.issue(request())));
    const ids = vcs.map((v) => v.id as string);
    code(
      t,
      await t.throwsAsync(issuer.changeStatus([...ids.slice(0, 3), 'urn:uuid:nope'], 'revoke')),
      'UNKNOWN_CREDENTIAL',
    );
    for (const id of ids) t.is((await issuer.getRecord(id)).state, 'active', 'nothing changed');
    const changed = await issuer.changeStatus(ids.slice(0, 3), 'revoke', 'bulk');
    t.deepEqual(
      changed.map((c) => c.state),
      ['revoked', 'revoked', 'revoked'],
    );
    code(t, await t.throwsAsync(issuer.changeStatus(ids.slice(2, 4), 'reinstate')), 'STATUS_TRANSITION_ERROR');
    t.is((await issuer.getRecord(ids[3]!)).state, 'active');
    const list = await issuer.getStatusListCredential('bo-cong-an-revocation-1');
    for (const [i, vc] of vcs.entries()) t.is(bitOf(list, vc, 'revocation'), i < 3);
    t.true((await issuer.verifyAuditLog()).valid);
    await issuer.close();
    await s.cleanup();
  });

  test(`${engine}: batches keep their items until finished, the first result of an item wins, and API keys are revoked without being revived by a re-add`, async (t) => {
    const s = await store(engine);
    const issuer = await s.open();
    await issuer.addMinistry(MINISTRIES.bca);
    const id = '6f1d2c3b-0000-4000-8000-000000000001';
    const items = [{ credential: { n: 0 } }, { credential: { n: 1 } }, { credential: { n: 2 } }];
    await issuer.batches.createBatch(
      { id, ministry: 'bo-cong-an', total: 3, createdAt: '2026-12-05T00:00:00.000Z' },
      items,
    );
    t.deepEqual(
      (await issuer.batches.pendingBatchItems(id)).map((p) => [p.index, p.item]),
      items.map((item, i) => [i, item]),
    );
    const refused = {
      index: 1,
      status: 'refused' as const,
      problem: { code: 'SCHEMA_VALIDATION_ERROR', detail: 'x', violations: [{ pointer: '/a' }] },
    };
    await issuer.batches.putBatchResult(id, refused);
    await issuer.batches.putBatchResult(id, {
      index: 1,
      status: 'issued',
      credentialId: 'urn:uuid:late',
      idempotencyKey: 'k',
    });
    t.deepEqual(await issuer.batches.batchResults(id), [refused], 'the first result stays');
    t.deepEqual(
      (await issuer.batches.pendingBatchItems(id)).map((p) => p.index),
      [0, 2],
    );
    t.deepEqual(
      (await issuer.batches.unfinishedBatches()).map((b) => b.id),
      [id],
    );
    await issuer.batches.finishBatch(id, '2026-12-05T00:01:00.000Z');
    t.deepEqual(await issuer.batches.pendingBatchItems(id), [], 'item requests are dropped');
    t.is((await issuer.batches.getBatch(id))?.finishedAt, '2026-12-05T00:01:00.000Z');
    t.deepEqual(await issuer.batches.unfinishedBatches(), []);
    t.is(await issuer.batches.getBatch('6f1d2c3b-0000-4000-8000-000000000002'), undefined);

    const sha256 = 'ab'.repeat(32);
    await issuer.addApiKey({ ministry: 'bo-cong-an', sha256 });
    t.is((await issuer.findApiKey(sha256))?.ministry, 'bo-cong-an');
    t.truthy((await issuer.findApiKey(sha256))?.createdAt);
    const revoked = await issuer.revokeApiKey(sha256.slice(0, 16));
    t.truthy(revoked?.revokedAt);
    await issuer.addApiKey({ ministry: 'bo-cong-an', sha256 });
    t.is((await issuer.findApiKey(sha256))?.revokedAt, revoked?.revokedAt, 'a re-add does not revive it');
    t.is(await issuer.revokeApiKey('0'.repeat(16)), undefined);
    t.is(await issuer.findApiKey('cd'.repeat(32)), undefined);
    await issuer.close();
    await s.cleanup();
  });

  test(`${engine}: a rate-limit bucket allows its burst, then refuses with the wait until the next token, and refills with time`, async (t) => {
    const s = await store(engine);
    const issuer = await s.open();
    t.teardown(async () => {
      await issuer.close();
      await s.cleanup();
    });
    const t0 = Date.parse('2026-12-05T12:00:00Z');
    const step = (key: string, now: number, tokens?: number) =>
      issuer.consumeRateLimit(key, { burst: 3, perSecond: 0.5, now, ...(tokens === undefined ? {} : { tokens }) });
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await step('key-a', t0));
    t.deepEqual(
      burst.map((d) => [d.allowed, d.remaining]),
      [
        [true, 2],
        [true, 1],
        [true, 0],
      ],
    );
    // Refused: no token taken, 1 / 0.5 = 2 s until the next one.
    t.deepEqual(await step('key-a', t0), { allowed: false, remaining: 0, retryAfterSeconds: 2 });
    t.deepEqual(await step('key-a', t0 + 1000), { allowed: false, remaining: 0, retryAfterSeconds: 1 });
    // Negative twin: another key has its own full bucket.
    t.deepEqual(await step('key-b', t0), { allowed: true, remaining: 2, retryAfterSeconds: 0 });
    // 2 s later one token is back (refused steps took none), and only one.
    t.deepEqual(await step('key-a', t0 + 2000), { allowed: true, remaining: 0, retryAfterSeconds: 0 });
    t.false((await step('key-a', t0 + 2000)).allowed);
    // A clock that went back (another replica's, lagging) refills nothing.
    t.false((await step('key-a', t0 - 60_000)).allowed);
    // A long pause refills to the burst, never beyond it.
    t.is((await step('key-a', t0 + 3_600_000)).remaining, 2);
    // Giving tokens back (express-rate-limit's decrement and resetKey) is capped at the burst too.
    t.deepEqual(await step('key-b', t0, -3), { allowed: true, remaining: 3, retryAfterSeconds: 0 });
    t.is((await step('key-b', t0)).remaining, 2);
    // Caller misuse is a TypeError / RangeError, never a decision.
    await t.throwsAsync(issuer.consumeRateLimit('', { burst: 3, perSecond: 1, now: t0 }), { instanceOf: TypeError });
    await t.throwsAsync(issuer.consumeRateLimit('k', { burst: 0, perSecond: 1, now: t0 }), { instanceOf: RangeError });
    await t.throwsAsync(issuer.consumeRateLimit('k', { burst: 3, perSecond: 0, now: t0 }), { instanceOf: RangeError });
    await t.throwsAsync(issuer.consumeRateLimit('k', { burst: 3, perSecond: 1, now: Number.NaN }), {
      instanceOf: RangeError,
    });
  });
}

test('postgres: a rate-limit bucket is one for every replica: concurrent steps from two replicas allow exactly the burst', async (t) => {
  const s = await store('postgres');
  const [a, b] = await Promise.all([s.open(), s.open()]);
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const now = Date.parse('2026-12-05T12:00:00Z');
  const limit = { burst: 10, perSecond: 0.001, now };
  const decisions = await Promise.all(
    Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consumeRateLimit('shared', limit)),
  );
  t.is(decisions.filter((d) => d.allowed).length, 10, 'the burst summed over both replicas, not 10 each');
  t.deepEqual(
    decisions
      .filter((d) => d.allowed)
      .map((d) => d.remaining)
      .sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    'no two steps saw the same bucket',
  );
  // Negative twin: a key seen only by the other replica is full there.
  t.true((await b.consumeRateLimit('other', limit)).allowed);
  t.is((await a.consumeRateLimit('other', limit)).remaining, 8);
});

for (const engine of ['leveldb', 'postgres'] as const) {
  test(`${engine}: a staged rotation publishes the new key at once; the old key signs credentials and lists until activateAt, the new one after; a past or malformed activateAt is refused and adds no key`, async (t) => {
    const s = await store(engine);
    let clock = Date.parse('2026-06-01T08:00:00.400Z');
    const issuer = await s.open({ now: () => new Date(clock) });
    t.teardown(async () => {
      await issuer.close();
      await s.cleanup();
    });
    await issuer.addMinistry(MINISTRIES.bca);
    const old = issuer.getMinistry('bo-cong-an').keys[0]!;
    const p256 = { ...request(), suite: 'ecdsa-rdfc-2019' as const };
    const keyOf = (signed: JsonObject) => (signed.proof as { verificationMethod: string }).verificationMethod;

    code(
      t,
      await t.throwsAsync(issuer.rotateKey('bo-cong-an', 'P-256', { activateAt: '2026-06-01T07:59:59Z' })),
      'KEY_ACTIVATION_INVALID',
    );
    for (const activateAt of ['tomorrow', '2026-06-31T00:00:00Z', new Date(Number.NaN), 1_900_000_000]) {
      code(
        t,
        await t.throwsAsync(issuer.rotateKey('bo-cong-an', 'P-256', { activateAt } as never)),
        'MALFORMED_VALUE_ERROR',
      );
    }
    t.is(issuer.getMinistry('bo-cong-an').keys.length, 1, 'a refused rotation adds no key');

    const staged = await issuer.rotateKey('bo-cong-an', 'P-256', { activateAt: '2026-06-01T09:00:00Z' });
    t.is(staged.validFrom, '2026-06-01T09:00:00Z');
    const published = (i: Issuer) =>
      i.trustBundleIssuers()[0]!.verificationMethods.map((m) => [m.id, m.validFrom, m.validUntil]);
    t.deepEqual(published(issuer), [
      [old.id, old.validFrom, '2026-06-01T09:02:00Z'],
      [staged.id, '2026-06-01T09:00:00Z', undefined],
    ]);
    t.deepEqual(
      issuer.didDocument('bo-cong-an').verificationMethod.map((m) => m.id),
      [old.id, staged.id],
    );

    // Until activateAt (here one second before), the old key signs credentials and lists.
    clock = Date.parse('2026-06-01T08:59:59.900Z');
    const before = await issuer.issue(p256);
    t.is(keyOf(before), old.id);
    await issuer.revoke(before.id as string);
    t.is(keyOf(await issuer.getStatusListCredential('bo-cong-an-revocation-1')), old.id);
    if (engine === 'postgres') {
      // Another replica sees the staged key and keeps to the same schedule.
      const other = await s.open({ now: () => new Date(clock) });
      t.teardown(() => other.close());
      await other.addMinistry(MINISTRIES.bca);
      t.is(keyOf(await other.issue(p256)), old.id);
      clock = Date.parse('2026-06-01T09:00:00Z');
      t.is(keyOf(await other.issue(p256)), staged.id);
    }

    // From activateAt on, the new key signs both.
    clock = Date.parse('2026-06-01T09:00:00.100Z');
    const after = await issuer.issue(p256);
    t.is(keyOf(after), staged.id);
    await issuer.revoke(after.id as string);
    t.is(keyOf(await issuer.getStatusListCredential('bo-cong-an-revocation-1')), staged.id);

    // An immediate rotation while another is staged: the staged key is withdrawn (never signed, no longer
    // published), the older keys end two minutes after the switch, the newest signs at once.
    const pending = await issuer.rotateKey('bo-cong-an', 'P-256', { activateAt: '2026-06-02T00:00:00Z' });
    const now = await issuer.rotateKey('bo-cong-an', 'P-256');
    t.is(now.validFrom, '2026-06-01T09:00:00Z');
    t.deepEqual(published(issuer), [
      [old.id, old.validFrom, '2026-06-01T09:02:00Z'],
      [staged.id, '2026-06-01T09:00:00Z', '2026-06-01T09:02:00Z'],
      [now.id, '2026-06-01T09:00:00Z', undefined],
    ]);
    t.false(issuer.didDocument('bo-cong-an').verificationMethod.some((m) => m.id === pending.id));
    t.is(keyOf(await issuer.issue(p256)), now.id);
    clock = Date.parse('2026-06-02T00:00:01Z');
    t.is(keyOf(await issuer.issue(p256)), now.id, 'the withdrawn key never signs');
    t.true((await issuer.verifyAuditLog()).valid);
  });
}

test('postgres: two replicas on one database issue concurrently without sharing an index; a revocation acknowledged by one is in the list the other serves', async (t) => {
  const s = await store('postgres');
  const [a, b] = await Promise.all([s.open(), s.open()]);
  await Promise.all([a.addMinistry(MINISTRIES.bca), b.addMinistry(MINISTRIES.bca)]);
  t.is((await a.verifyAuditLog()).entries, 2, 'one ministry-added and one key-created: the second add was a no-op');
  const vcs = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).issue(request())));
  const slots = vcs.flatMap(slotsOf);
  t.is(new Set(slots).size, 60);
  // b serves the list first (so it has a copy), then a revokes.
  const before = await b.getStatusListCredential('bo-cong-an-revocation-1');
  t.false(bitOf(before, vcs[0]!, 'revocation'));
  await a.revoke(vcs[0]!.id as string);
  const after = await b.getStatusListCredential('bo-cong-an-revocation-1');
  t.true(bitOf(after, vcs[0]!, 'revocation'));
  t.true(Date.parse(after.validFrom as string) > Date.parse(before.validFrom as string));
  // A key rotated on one replica signs on the other; the retired one is refused there too.
  const rotated = await a.rotateKey('bo-cong-an', 'Ed25519');
  const next = await b.issue(request());
  t.is((next.proof as { verificationMethod: string }).verificationMethod, rotated.id);
  t.true((await b.verifyAuditLog()).valid);
  await Promise.all([a.close(), b.close()]);
});

test('postgres: a schema newer than the code is refused with STORAGE_SCHEMA_TOO_NEW', async (t) => {
  const url = await (server as TestPostgres).createDatabase();
  const first = await createIssuer({ databaseUrl: url, passphrase: PASSPHRASE, baseUrl: BASE_URL });
  await first.close();
  const client = new pg.Client(url);
  await client.connect();
  await client.query('INSERT INTO schema_migrations (version) VALUES (999)');
  await client.end();
  code(
    t,
    await t.throwsAsync(createIssuer({ databaseUrl: url, passphrase: PASSPHRASE, baseUrl: BASE_URL })),
    'STORAGE_SCHEMA_TOO_NEW',
  );
});

test('postgres: with the server down calls fail with STORAGE_UNAVAILABLE, and work again once it is back, without reopening', async (t) => {
  const own = await startTestPostgres();
  try {
    const issuer = await createIssuer({
      databaseUrl: own.url,
      passphrase: PASSPHRASE,
      baseUrl: BASE_URL,
      database: { connectionTimeoutMillis: 1000 },
    });
    await issuer.addMinistry(MINISTRIES.bca);
    const first = await issuer.issue(request('k1'));
    await own.stop();
    code(t, await t.throwsAsync(issuer.issue(request('k2'))), 'STORAGE_UNAVAILABLE');
    code(t, await t.throwsAsync(issuer.revoke(first.id as string)), 'STORAGE_UNAVAILABLE');
    const limit = { burst: 5, perSecond: 1, now: Date.now() };
    code(t, await t.throwsAsync(issuer.consumeRateLimit('k', limit)), 'STORAGE_UNAVAILABLE');
    await own.start();
    t.true((await issuer.consumeRateLimit('k', limit)).allowed);
    const second = await issuer.issue(request('k2'));
    t.not(second.id, first.id);
    t.is((await issuer.revoke(first.id as string)).state, 'revoked');
    t.is((await issuer.listRecords()).length, 2);
    t.true((await issuer.verifyAuditLog()).valid);
    await issuer.close();
  } finally {
    await own.close();
  }
});
