import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CREDENTIALS_V2_CONTEXT_URL, type JsonObject, VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import { Level } from 'level';
import pg from 'pg';
import { pino } from 'pino';
import {
  type CreateIssuerOptions,
  createIssuer,
  generateApiKey,
  hashApiKey,
  type Issuer,
  startServer,
} from '../src/index.js';
import type { AuditEntry, IssuanceRecord } from '../src/lib/types.js';
import { auditChainKey } from '../src/storage/audit-chain.js';
import type { IssuerStorage } from '../src/storage/contract.js';
import { openLevelDbStorage } from '../src/storage/leveldb/leveldb-storage.js';
import { openPostgresStorage } from '../src/storage/postgres/postgres-storage.js';
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
  /** The engine's storage alone, with the audit chain's key set (the issuer must be closed for LevelDB). */
  openStorage(): Promise<IssuerStorage>;
  /** Rewrites the stored audit entry at `seq` as an insider with database access would (the issuer closed for LevelDB). */
  editAuditEntry(seq: number, edit: (entry: AuditEntry) => AuditEntry): Promise<void>;
  cleanup(): Promise<void>;
}

async function withAuditKey(storage: IssuerStorage): Promise<IssuerStorage> {
  storage.setAuditKey(await auditChainKey(storage, PASSPHRASE));
  return storage;
}

/** A fresh store of `engine`; `open()` may be called again for a second instance (PostgreSQL) or a reopen. */
async function store(engine: Engine): Promise<Opened> {
  if (engine === 'postgres') {
    const url = await (server as TestPostgres).createDatabase();
    return {
      open: (options = {}) => createIssuer({ databaseUrl: url, passphrase: PASSPHRASE, baseUrl: BASE_URL, ...options }),
      openStorage: async () => withAuditKey(await openPostgresStorage(url)),
      async editAuditEntry(seq, edit) {
        const client = new pg.Client(url);
        await client.connect();
        try {
          const { rows } = await client.query<{ entry: AuditEntry }>('SELECT entry FROM audit_log WHERE seq = $1', [
            seq,
          ]);
          await client.query('UPDATE audit_log SET entry = $2 WHERE seq = $1', [
            seq,
            JSON.stringify(edit(rows[0]!.entry)),
          ]);
        } finally {
          await client.end();
        }
      },
      cleanup: async () => undefined,
    };
  }
  const dir = await tempDir();
  return {
    open: (options = {}) => createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: BASE_URL, ...options }),
    openStorage: async () => withAuditKey(await openLevelDbStorage(dir)),
    async editAuditEntry(seq, edit) {
      const db = new Level<string, any>(join(dir, 'issuer.db'), { valueEncoding: 'json' });
      await db.open();
      try {
        const audit = db.sublevel<string, any>('audit', { valueEncoding: 'json' });
        const key = String(seq).padStart(16, '0');
        await audit.put(key, edit(await audit.get(key)));
      } finally {
        await db.close();
      }
    },
    cleanup: () => removeDir(dir),
  };
}

const GENERAL_ISSUER = {
  slug: 'test-issuer',
  name: { vi: 'Đơn vị thử nghiệm', en: 'Test issuer' },
  role: 'GeneralTestIssuer',
  allowGeneralCredentials: true,
} as const;

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

  // Serial (AVA runs them before the concurrent tests, one at a time): run beside them they add
  // signing and key derivation to the same process, and the 1 s connection timeout of the
  // server-down test below then fires on a busy machine without the server being down.
  test.serial(
    `${engine}: recording an issuance under a credential id already stored is refused with CREDENTIAL_ID_CONFLICT; the first record, the audit log and the idempotency keys stay as they were`,
    async (t) => {
      const s = await store(engine);
      t.teardown(() => s.cleanup());
      let issuer = await s.open();
      t.teardown(() => issuer.close());
      await issuer.addMinistry(MINISTRIES.bca);
      const vc = await issuer.issue(request('first-key'));
      const id = vc.id as string;
      await issuer.close();

      const storage = await s.openStorage();
      t.teardown(() => storage.close());
      const first = (await storage.getRecord(id)) as IssuanceRecord;
      t.truthy(first?.status);
      const head = await storage.loadAuditHead();
      const list = (await storage.getStatusList(first.status!.revocation.listId))!;
      const policy = { length: list.length, maxAllocationsPerList: list.length / 2, now: () => new Date() };
      const second = (slots: IssuanceRecord['status'], recordId = id): IssuanceRecord => ({
        ...first,
        id: recordId,
        status: slots,
      });
      const audit = { event: 'issued', data: { credentialId: id } };
      const slots = await storage.reserveSlots('bo-cong-an', policy);
      const refused = await t.throwsAsync(
        storage.recordIssuance({
          record: second(slots),
          audit,
          idempotency: { key: 'fresh-key', requestDigest: 'd', credential: { id } },
        }),
      );
      code(t, refused, 'CREDENTIAL_ID_CONFLICT');
      t.deepEqual(await storage.getRecord(id), first, 'the first record keeps its status slots');
      t.deepEqual(await storage.loadAuditHead(), head, 'no audit entry for the refused write');
      t.is(await storage.findIdempotent('bo-cong-an', 'fresh-key'), undefined, 'nor its idempotency key');
      // A retry whose idempotency key is taken gets the stored credential, not the conflict (both engines alike).
      const retried = await storage.recordIssuance({
        record: second(await storage.reserveSlots('bo-cong-an', policy)),
        audit,
        idempotency: { key: 'first-key', requestDigest: 'd', credential: { id } },
      });
      t.deepEqual(retried?.credential, vc);
      t.deepEqual(await storage.getRecord(id), first);
      t.deepEqual(await storage.loadAuditHead(), head);
      // Negative twin: another id, with slots of its own, is recorded.
      const otherId = 'urn:uuid:7a1c9e52-3f0b-4c8e-9d2a-5b6f4e3d2c10';
      const own = await storage.reserveSlots('bo-cong-an', policy);
      t.is(await storage.recordIssuance({ record: second(own, otherId), audit }), undefined);
      t.deepEqual((await storage.getRecord(otherId))?.status, own);
      // Two writers of one new id at once: the second is refused even before the first is durable.
      const racedId = 'urn:uuid:3d9b7f14-6c2e-4a58-b0e1-8f4a2c6d9e27';
      const raced = await Promise.all([
        storage.reserveSlots('bo-cong-an', policy),
        storage.reserveSlots('bo-cong-an', policy),
      ]);
      const outcomes = await Promise.allSettled(
        raced.map((slotsOfOne) => storage.recordIssuance({ record: second(slotsOfOne, racedId), audit })),
      );
      // Either may win on PostgreSQL (the first INSERT of the row); the record is the winner's.
      const won = outcomes.findIndex((o) => o.status === 'fulfilled');
      t.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      code(t, (outcomes[1 - won] as PromiseRejectedResult).reason, 'CREDENTIAL_ID_CONFLICT');
      t.deepEqual((await storage.getRecord(racedId))?.status, raced[won]);
      await storage.close();

      // The refused write's reserved slots leave nothing the start check trips over (LevelDB checks records against allocations).
      issuer = await s.open();
      t.deepEqual((await issuer.listRecords()).map((r) => r.id).sort(), [id, otherId, racedId].sort());
      t.deepEqual((await issuer.getRecord(id)).status, first.status);
      t.true((await issuer.verifyAuditLog()).valid);
    },
  );

  test.serial(
    `${engine}: two concurrent general issuances with one caller-chosen id: one 201, one 409 CREDENTIAL_ID_CONFLICT, the record holds the winner's status entries, and the store reopens`,
    async (t) => {
      const s = await store(engine);
      t.teardown(() => s.cleanup());
      let issuer = await s.open();
      await issuer.addMinistry(GENERAL_ISSUER);
      const key = generateApiKey();
      const server = await startServer({
        issuer,
        apiKeys: [{ ministry: GENERAL_ISSUER.slug, sha256: hashApiKey(key) }],
        logger: pino({ level: 'silent' }),
        port: 0,
      });
      let serving = true;
      t.teardown(async () => {
        if (serving) await server.close();
        await issuer.close();
      });
      const id = 'urn:uuid:0c3f6a2e-9b1d-4e7a-8c5f-2d4b6a8e0f13';
      const body = {
        credential: {
          '@context': [CREDENTIALS_V2_CONTEXT_URL],
          id,
          type: ['VerifiableCredential'],
          credentialSubject: { id: 'did:example:subject' },
        },
        options: { credentialStatus: { type: 'BitstringStatusListEntry' } },
      };
      const post = () =>
        fetch(`${server.url}/credentials/issue`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        });
      const responses = await Promise.all([post(), post()]);
      const answers = await Promise.all(
        responses.map(async (r) => ({ status: r.status, body: (await r.json()) as JsonObject })),
      );
      t.deepEqual(
        answers.map((a) => a.status).sort(),
        [201, 409],
        JSON.stringify(answers.map((a) => a.body.code ?? a.status)),
      );
      const winner = answers.find((a) => a.status === 201)!.body.verifiableCredential as JsonObject;
      const loser = answers.find((a) => a.status === 409)!.body;
      t.is(loser.code, 'CREDENTIAL_ID_CONFLICT');
      t.is(winner.id, id);
      const slotOf = (entry: JsonObject) => ({
        listId: (entry.statusListCredential as string).split('/').pop(),
        index: Number(entry.statusListIndex),
      });
      const [revocation, suspension] = winner.credentialStatus as JsonObject[];
      const expected = { revocation: slotOf(revocation!), suspension: slotOf(suspension!) };
      t.deepEqual((await issuer.getRecord(id)).status, expected, "the record is the returned credential's");
      // Revoking the id sets the returned credential's bit.
      await issuer.revoke(id);
      const list = await issuer.getStatusListCredential(expected.revocation.listId!);
      t.true(bitOf(list, winner, 'revocation'));
      serving = false;
      await server.close();
      await issuer.close();
      issuer = await s.open();
      t.deepEqual((await issuer.getRecord(id)).status, expected);
      t.is((await issuer.getRecord(id)).state, 'revoked');
      t.true((await issuer.verifyAuditLog()).valid);
    },
  );

  test.serial(
    `${engine}: audit data that is not plain JSON (a Date) is hashed as it is stored, so the chain verifies; an edited entry still breaks it`,
    async (t) => {
      const s = await store(engine);
      t.teardown(() => s.cleanup());
      let issuer = await s.open();
      t.teardown(() => issuer.close());
      const at = new Date('2026-12-05T08:30:00.000Z');
      await issuer.audit('note', { at, nested: [{ at }], skipped: undefined });
      await issuer.recordSecurityEvent('probe', { at });
      await issuer.audit('note', { plain: true });
      t.true((await issuer.verifyAuditLog()).valid, 'a genuine chain is not reported as tampered');
      const stored: AuditEntry[] = [];
      for await (const e of issuer.auditEntries()) stored.push(e);
      t.deepEqual(
        stored.map((e) => e.data),
        [{ at: at.toISOString(), nested: [{ at: at.toISOString() }] }, { at: at.toISOString() }, { plain: true }],
      );
      // Data JSON cannot hold is refused, and nothing is appended.
      const head = issuer.auditHead();
      await t.throwsAsync(issuer.audit('note', { n: 1n }), { instanceOf: TypeError });
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await t.throwsAsync(issuer.recordSecurityEvent('probe', cyclic), { instanceOf: TypeError });
      t.deepEqual(await issuer.verifyAuditLog(), { valid: true, entries: 3 });
      t.deepEqual(issuer.auditHead(), head);
      await issuer.close();
      // Negative twin: an insider's edit of the Date entry is caught at its seq.
      await s.editAuditEntry(1, (e) => ({ ...e, data: { at: '2026-12-06T08:30:00.000Z', nested: e.data.nested } }));
      issuer = await s.open();
      t.like(await issuer.verifyAuditLog(), { valid: false, brokenAt: 1 });
    },
  );

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
