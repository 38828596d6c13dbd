import { execFileSync } from 'node:child_process';
import { VneidError } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import pg from 'pg';
import { createIssuer, generateApiKey, hashApiKey } from '../src/index.js';
import type { MinistryRecord } from '../src/lib/types.js';
import { main } from '../src/main.js';
import { postgresConnectionConfig } from '../src/storage/postgres/connection-config.js';
import { openPostgresStorage } from '../src/storage/postgres/postgres-storage.js';
import { MINISTRIES, PASSPHRASE } from './helpers/setup.js';

// A replica that freezes (or is cut off) while it holds a row lock must not stall every other
// replica: the server ends its idle transaction, waiters give up after the lock timeout, and a
// server that stops answering is given up on by the client. Each wait ends in STORAGE_UNAVAILABLE
// (503 + Retry-After), never a hang and never a 500.
let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

const SHORT = { idleInTransactionTimeoutMillis: 1000, lockTimeoutMillis: 2000 };
const AUDIT = { event: 'test.write', data: {} };
const MINISTRY: MinistryRecord = {
  slug: 'bo-cong-an',
  did: 'did:web:127.0.0.1%3A8080:bo-cong-an',
  name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
  role: 'MinistryOfPublicSecurity',
  allowGeneralCredentials: false,
  createdAt: '2026-06-01T08:00:00.000Z',
  keys: [],
};

/** `promise`, or a rejection after `ms`: a hang fails the test instead of stalling the run. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function open(t: ExecutionContext, options: Parameters<typeof openPostgresStorage>[1]) {
  const url = await (server as TestPostgres).createDatabase();
  const storage = await openPostgresStorage(url, options);
  t.teardown(() => storage.close());
  return { url, storage };
}

/** A second replica's session, built from the very settings the storage uses, holding the audit head's row lock. */
async function holdAuditHead(t: ExecutionContext, url: string, timeouts: typeof SHORT) {
  const client = new pg.Client(postgresConnectionConfig(url, timeouts));
  const errors: Array<{ code?: string; message: string }> = [];
  client.on('error', (error) => errors.push(error as { code?: string; message: string }));
  t.teardown(() => client.end().catch(() => undefined));
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE');
  return { client, errors };
}

function unavailable(t: ExecutionContext, error: unknown) {
  t.true(error instanceof VneidError, String(error));
  t.is((error as VneidError).code as string, 'STORAGE_UNAVAILABLE');
  t.deepEqual((error as VneidError).details, { retryAfter: 2 });
}

test('a replica frozen inside a transaction on the audit head is ended by the server, and audited writes of the others go on', async (t) => {
  const { url, storage } = await open(t, SHORT);
  const frozen = await holdAuditHead(t, url, SHORT);
  // The frozen replica says nothing more: its session is idle in a transaction, holding the lock.
  const start = Date.now();
  await within(8000, storage.appendAudit(AUDIT));
  const waited = Date.now() - start;
  t.true(waited >= 800, `the write waited for the lock (${waited} ms)`);
  t.true(
    waited < 2000,
    `and got it when the server ended the frozen session, before its own lock timeout (${waited} ms)`,
  );
  t.is((await storage.loadAuditHead()).seq, 1);
  // The frozen replica's transaction is gone: its next statement fails, and it wrote nothing.
  await t.throwsAsync(frozen.client.query('UPDATE audit_head SET seq = 99 WHERE id = 1'));
  t.true(
    frozen.errors.some((e) => e.code === '25P03' || /terminat/i.test(e.message)),
    JSON.stringify(frozen.errors),
  );
  await storage.appendAudit(AUDIT);
  t.is((await storage.loadAuditHead()).seq, 2);
});

test('a replica that freezes in its own transaction (holding a ministry row) is cut off by the server: the other replica goes on, the frozen one hears STORAGE_UNAVAILABLE', async (t) => {
  const { url, storage: frozen } = await open(t, SHORT);
  const other = await openPostgresStorage(url, SHORT);
  t.teardown(() => other.close());
  await frozen.addMinistry(MINISTRY, [], AUDIT);
  // Replica A stops inside updateMinistry's transaction, the ministry row locked (a stalled event loop, a paused VM).
  let wake: () => void = () => undefined;
  const asleep = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const stuck = frozen.updateMinistry(MINISTRY.slug, async (current) => {
    await asleep;
    return { record: { ...current, role: 'changed-by-a' }, audit: AUDIT };
  });
  stuck.catch(() => undefined);
  t.teardown(wake);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const start = Date.now();
  const updated = await within(
    8000,
    other.updateMinistry(MINISTRY.slug, async (current) => ({
      record: { ...current, role: 'changed-by-b' },
      audit: AUDIT,
    })),
  );
  const waited = Date.now() - start;
  t.is(updated.role, 'changed-by-b');
  t.true(waited < 2000, `B waited ${waited} ms, until the server ended A's idle transaction`);
  // A wakes up to a session the server ended: its write is STORAGE_UNAVAILABLE (503), and nothing of it stayed.
  wake();
  unavailable(t, await t.throwsAsync(within(8000, stuck)));
  t.is((await other.getMinistry(MINISTRY.slug))?.role, 'changed-by-b');
  // A is usable again: a new connection replaces the one that was ended.
  const again = await frozen.updateMinistry(MINISTRY.slug, async (current) => ({
    record: { ...current, role: 'changed-by-a' },
    audit: AUDIT,
  }));
  t.is(again.role, 'changed-by-a');
});

test('a lock held by a busy session (not idle) is not taken away: the write gives up after the lock timeout with STORAGE_UNAVAILABLE', async (t) => {
  const { url, storage } = await open(t, SHORT);
  const busy = await holdAuditHead(t, url, SHORT);
  // Inside a statement the session is not idle: idle_in_transaction_session_timeout does not end it.
  const sleeping = busy.client.query('SELECT pg_sleep(4)');
  const start = Date.now();
  const error = await t.throwsAsync(within(8000, storage.appendAudit(AUDIT)));
  const waited = Date.now() - start;
  unavailable(t, error);
  t.true(
    waited >= 1800 && waited < 3800,
    `gave up after the 2 s lock timeout, not when the holder let go (${waited} ms)`,
  );
  // The holder was not disturbed, and once it lets go the same storage writes again.
  await sleeping;
  await busy.client.query('ROLLBACK');
  t.deepEqual(busy.errors, []);
  await storage.appendAudit(AUDIT);
  t.is((await storage.loadAuditHead()).seq, 1, 'the refused write left nothing');
});

test('a statement that runs past the statement timeout is STORAGE_UNAVAILABLE, not a 500', async (t) => {
  // No lock timeout: the wait for the lock is one long statement, which the statement timeout cancels (57014).
  const timeouts = { idleInTransactionTimeoutMillis: 10_000, lockTimeoutMillis: 0, statementTimeoutMillis: 1500 };
  const { url, storage } = await open(t, timeouts);
  const busy = await holdAuditHead(t, url, SHORT);
  const sleeping = busy.client.query('SELECT pg_sleep(4)');
  const start = Date.now();
  unavailable(t, await t.throwsAsync(within(8000, storage.appendAudit(AUDIT))));
  const waited = Date.now() - start;
  t.true(waited >= 1300 && waited < 3800, `${waited} ms`);
  await sleeping;
  await busy.client.query('ROLLBACK');
  await storage.appendAudit(AUDIT);
  t.is((await storage.loadAuditHead()).seq, 1);
});

test('a server that stops answering mid-request: the client gives up after its query timeout with STORAGE_UNAVAILABLE, and works again when it answers', async (t) => {
  const timeouts = { ...SHORT, statementTimeoutMillis: 1000, queryTimeoutMillis: 1500, refreshMs: 60_000 };
  const { url, storage } = await open(t, timeouts);
  await storage.appendAudit(AUDIT);
  // Freeze every server process of this database (as a stalled host or a dropped route would):
  // they neither answer nor close, so only the client's own timeout ends the wait.
  const admin = new pg.Client(url);
  await admin.connect();
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  await admin.end();
  const pids = rows.map((r) => String(r.pid));
  t.true(pids.length > 0);
  const signal = (name: string) => execFileSync('kill', [`-${name}`, ...pids], { stdio: 'ignore' });
  signal('STOP');
  let stopped = true;
  t.teardown(() => {
    if (stopped) signal('CONT');
  });
  const start = Date.now();
  unavailable(t, await t.throwsAsync(within(8000, storage.loadAuditHead())));
  const waited = Date.now() - start;
  t.true(waited >= 1300 && waited < 5000, `${waited} ms`);
  signal('CONT');
  stopped = false;
  // The connection that timed out was dropped, not handed out again half-read.
  t.is((await within(8000, storage.loadAuditHead())).seq, 1);
  await storage.appendAudit(AUDIT);
  t.is((await storage.loadAuditHead()).seq, 2);
});

test('the connection settings: keepalive on, the server-side timeouts sent at connect, a client timeout above the statement timeout; bad values refused', (t) => {
  const config = postgresConnectionConfig('postgres://u@127.0.0.1:5432/db');
  t.is(config.keepAlive, true);
  t.is(config.keepAliveInitialDelayMillis, 10_000);
  t.is(config.idle_in_transaction_session_timeout, 10_000);
  t.is(config.lock_timeout, 15_000);
  t.is(config.statement_timeout, 30_000);
  t.is(config.query_timeout, 35_000);
  t.is(config.connectionTimeoutMillis, 10_000);
  const tuned = postgresConnectionConfig('postgres://u@127.0.0.1:5432/db', SHORT);
  t.is(tuned.lock_timeout, 2000);
  t.is(tuned.idle_in_transaction_session_timeout, 1000);
  for (const bad of [-1, 1.5, Number.NaN, '1000' as unknown as number]) {
    t.throws(() => postgresConnectionConfig('postgres://u@h/db', { lockTimeoutMillis: bad }), {
      instanceOf: RangeError,
    });
  }
});

test('the service takes its lock timeout from VNEID_DATABASE_LOCK_TIMEOUT_SECONDS: a revocation stuck behind a held lock answers 503 with Retry-After, and a wrong value stops the start', async (t) => {
  const url = await (server as TestPostgres).createDatabase();
  const setup = await createIssuer({ databaseUrl: url, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:1' });
  await setup.addMinistry(MINISTRIES.bca);
  const apiKey = generateApiKey();
  await setup.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(apiKey) });
  await setup.close();
  const env = {
    DATABASE_URL: url,
    VNEID_ISSUER_PASSPHRASE: PASSPHRASE,
    VNEID_SIGNING_WORKERS: '0',
    PORT: '0',
    HOST: '127.0.0.1',
    VNEID_DATABASE_LOCK_TIMEOUT_SECONDS: '1',
  };
  const refused = await t.throwsAsync(main({ ...env, VNEID_DATABASE_LOCK_TIMEOUT_SECONDS: '0' }));
  t.is((refused as { setting?: string }).setting, 'VNEID_DATABASE_LOCK_TIMEOUT_SECONDS');
  const started = await main(env);
  t.teardown(() => started.close());
  const post = (path: string, body: unknown) =>
    fetch(`${started.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
  const issued = await post('/credentials/issue', {
    credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: fixtures.DrivingLicence },
    options: { suite: 'eddsa-rdfc-2022' },
  });
  t.is(issued.status, 201);
  const id = ((await issued.json()) as { verifiableCredential: { id: string } }).verifiableCredential.id;
  // Another session holds the audit head while busy in a statement (not idle: the server keeps it).
  const busy = await holdAuditHead(t, url, { ...SHORT, idleInTransactionTimeoutMillis: 60_000 });
  const sleeping = busy.client.query('SELECT pg_sleep(3)');
  const start = Date.now();
  const response = await within(8000, post('/credentials/status', { credentialId: id, action: 'revoke' }));
  const waited = Date.now() - start;
  const problem = (await response.json()) as { code: string };
  t.is(response.status, 503, JSON.stringify(problem));
  t.is(problem.code, 'STORAGE_UNAVAILABLE');
  t.is(response.headers.get('retry-after'), '2');
  t.true(waited >= 800 && waited < 2800, `answered after the 1 s lock timeout (${waited} ms)`);
  await sleeping;
  await busy.client.query('ROLLBACK');
  // Negative twin: with the lock free the same request is served, and the refused one changed nothing.
  const revoked = await post('/credentials/status', { credentialId: id, action: 'revoke' });
  t.is(revoked.status, 200);
  t.is(((await revoked.json()) as { state: string }).state, 'revoked');
});
