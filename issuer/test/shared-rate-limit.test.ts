import type { JsonObject } from '@vneid/core';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import express from 'express';
import { pino } from 'pino';
import { errorMiddleware } from '../src/http/problem.js';
import { rateLimit } from '../src/http/rate-limit.js';
import {
  type ApiKeyEntry,
  type CreateIssuerOptions,
  createIssuer,
  generateApiKey,
  hashApiKey,
  type RateLimitOptions,
  startServer,
} from '../src/index.js';
import { freshIssuer, MINISTRIES, PASSPHRASE } from './helpers/setup.js';

// The per-API-key rate limit on PostgreSQL is one bucket per key for all replicas together.
// A replica here is a whole service instance — its own issuer, connection pool, express app
// and rate-limit store — in this process (starting service processes through tsx costs
// seconds of CPU each; replicas.test.ts does that); they share nothing but the database.
let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

const SILENT = pino({ level: 'silent' });
const UNKNOWN = { credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000000', action: 'revoke' };

async function replica(
  t: ExecutionContext,
  url: string,
  options: { rateLimit: RateLimitOptions; apiKeys?: ApiKeyEntry[]; database?: CreateIssuerOptions['database'] },
) {
  const issuer = await createIssuer({
    databaseUrl: url,
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
    ...(options.database ? { database: options.database } : {}),
  });
  const started = await startServer({
    issuer,
    port: 0,
    logger: SILENT,
    rateLimit: options.rateLimit,
    ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}),
  });
  t.teardown(async () => {
    await started.close();
    await issuer.close();
  });
  return {
    issuer,
    /** A status change of a credential nobody issued: 404 when let through, cheap, and limited like issuance. */
    send: (key: string) =>
      fetch(`${started.url}/credentials/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(UNKNOWN),
      }),
  };
}

async function refusedAs(t: ExecutionContext, res: Response, status: number, code: string): Promise<number> {
  t.is(res.status, status);
  t.regex(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  t.is(((await res.json()) as JsonObject).code, code);
  const retryAfter = Number(res.headers.get('retry-after'));
  t.true(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${res.headers.get('retry-after')}`);
  return retryAfter;
}

test('postgres: one API key alternating between two replicas gets the burst once, summed over both, then 429 RATE_LIMITED on each; another key is untouched', async (t) => {
  const url = await (server as TestPostgres).createDatabase();
  const setup = await createIssuer({ databaseUrl: url, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  await setup.addMinistry(MINISTRIES.bca);
  const [busy, quiet] = [generateApiKey(), generateApiKey()];
  for (const key of [busy, quiet]) await setup.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(key) });
  await setup.close();
  // 4 at once, then one every 100 s: nothing refills during the test.
  const rateLimit = { capacity: 4, refillPerSecond: 0.01 };
  const [a, b] = await Promise.all([replica(t, url, { rateLimit }), replica(t, url, { rateLimit })]);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await (i % 2 ? b : a).send(busy)).status);
  t.deepEqual(statuses, [404, 404, 404, 404], 'the burst, spread over both replicas');
  // Per-process limits would let each replica allow 4 (8 in all): here both refuse the fifth and sixth.
  const waitA = await refusedAs(t, await a.send(busy), 429, 'RATE_LIMITED');
  const waitB = await refusedAs(t, await b.send(busy), 429, 'RATE_LIMITED');
  for (const wait of [waitA, waitB]) t.true(wait > 90 && wait <= 100, `Retry-After ${wait} s: one token per 100 s`);
  // Negative twin: a different key has its own bucket, full, on both replicas.
  const other: number[] = [];
  for (let i = 0; i < 4; i++) other.push((await (i % 2 ? a : b).send(quiet)).status);
  t.deepEqual(other, [404, 404, 404, 404]);
  await refusedAs(t, await a.send(quiet), 429, 'RATE_LIMITED');
});

test('postgres: with the database down the limiter answers 503 STORAGE_UNAVAILABLE with Retry-After, not a 500 and not a free pass, and limits again once it is back', async (t) => {
  // Its own server: stopping it must not disturb the other test.
  const own = await startTestPostgres();
  t.teardown(() => own.close());
  // A fixed key: authentication needs no database, so the limiter is the first step that does.
  const key = generateApiKey();
  const apiKeys = [{ ministry: 'bo-cong-an', sha256: hashApiKey(key) }];
  const setup = await createIssuer({ databaseUrl: own.url, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  await setup.addMinistry(MINISTRIES.bca);
  await setup.close();
  const one = await replica(t, own.url, {
    rateLimit: { capacity: 2, refillPerSecond: 0.01 },
    apiKeys,
    database: { connectionTimeoutMillis: 3000 },
  });
  // The limiter alone in front of a handler that needs no database: what it does itself.
  const bare = express();
  bare.post(
    '/',
    (_req, res, next) => {
      res.locals.apiKeyId = 'f'.repeat(64);
      next();
    },
    rateLimit(one.issuer, { capacity: 5, refillPerSecond: 1 }),
    (_req, res) => {
      res.status(204).end();
    },
  );
  bare.use(errorMiddleware(SILENT));
  const listening = bare.listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  t.teardown(() => new Promise<void>((resolve) => listening.close(() => resolve())));
  const bareUrl = `http://127.0.0.1:${(listening.address() as { port: number }).port}/`;
  t.is((await fetch(bareUrl, { method: 'POST' })).status, 204);
  t.is((await one.send(key)).status, 404);
  await own.stop();
  t.is(await refusedAs(t, await one.send(key), 503, 'STORAGE_UNAVAILABLE'), 2);
  // Not a free pass: the handler behind it is not reached.
  t.is(await refusedAs(t, await fetch(bareUrl, { method: 'POST' }), 503, 'STORAGE_UNAVAILABLE'), 2);
  await own.start();
  // Back without a restart; the bucket was kept in the database (a clean stop keeps an unlogged
  // table; a crash empties it, see migration 3): one token left, then refused.
  let status = 0;
  for (let i = 0; i < 20 && status !== 404; i++) {
    status = (await one.send(key)).status;
    if (status === 503) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  t.is(status, 404);
  await refusedAs(t, await one.send(key), 429, 'RATE_LIMITED');
});

test('leveldb: the single process keeps its per-key bucket: the burst, then 429 with Retry-After; another key unaffected', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  const [key, other] = [generateApiKey(), generateApiKey()];
  const started = await startServer({
    issuer,
    port: 0,
    logger: SILENT,
    rateLimit: { capacity: 3, refillPerSecond: 0.1 },
    apiKeys: [key, other].map((k) => ({ ministry: 'bo-cong-an', sha256: hashApiKey(k) })),
  });
  t.teardown(async () => {
    await started.close();
    await cleanup();
  });
  const send = (k: string) =>
    fetch(`${started.url}/credentials/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${k}` },
      body: JSON.stringify(UNKNOWN),
    });
  for (let i = 0; i < 3; i++) t.is((await send(key)).status, 404);
  t.is(await refusedAs(t, await send(key), 429, 'RATE_LIMITED'), 10);
  t.is((await send(other)).status, 404);
});
