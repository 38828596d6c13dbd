import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { pino } from 'pino';
import {
  createBatchRunner,
  createIssuer,
  generateApiKey,
  hashApiKey,
  type Issuer,
  type StartedServer,
  startServer,
} from '../src/index.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

interface Service {
  issuer: Issuer;
  url: string;
  key: string;
  close(): Promise<void>;
}

async function start(dir: string, options: { maxItems?: number; concurrency?: number } = {}): Promise<Service> {
  const issuer = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  if (issuer.listMinistries().length === 0) for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  const key = generateApiKey();
  await issuer.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(key) });
  const batchRunner = createBatchRunner(issuer, { concurrency: options.concurrency ?? 2, retryMs: 200 });
  const started: StartedServer = await startServer({
    issuer,
    port: 0,
    batchRunner,
    logger: pino({ level: 'silent' }),
    batchLimits: { maxItems: options.maxItems ?? 10 },
  });
  await batchRunner.resume();
  return {
    issuer,
    url: started.url,
    key,
    async close() {
      await started.close();
      await batchRunner.close();
      await issuer.close();
    },
  };
}

const item = (subject: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: subject },
  options: { suite: 'eddsa-rdfc-2022' },
  ...extra,
});

async function waitFinished(s: Service, id: string, key = s.key): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${s.url}/credentials/batches/${id}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as Record<string, unknown>;
    if (body.state === 'finished') return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('batch did not finish');
}

test('a batch is accepted with 202, its progress can be polled, and its results hold each credential or the refusal with its code and violations', async (t) => {
  const dir = await tempDir('vneid-batch-');
  const s = await start(dir);
  t.teardown(async () => {
    await s.close();
    await removeDir(dir);
  });
  const bad = { ...structuredClone(fixtures.DrivingLicence), dateOfBirth: 'yesterday' };
  const items = [
    item(fixtures.DrivingLicence),
    item(bad),
    item(fixtures.DrivingLicence, { idempotencyKey: 'licence-0003' }),
    {
      credential: {
        type: ['VerifiableCredential', 'DrivingLicence'],
        credentialSubject: fixtures.DrivingLicence,
        issuer: 'did:web:evil',
      },
    },
    item(fixtures.DrivingLicence, { idempotencyKey: 'batch:someone-else:0' }),
  ];
  const res = await fetch(`${s.url}/credentials/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/jsonl' },
    body: items.map((i) => JSON.stringify(i)).join('\n'),
  });
  t.is(res.status, 202);
  const accepted = (await res.json()) as { id: string; total: number; state: string };
  t.is(accepted.total, 5);
  t.is(res.headers.get('location'), `/credentials/batches/${accepted.id}`);

  const done = await waitFinished(s, accepted.id);
  t.like(done, { total: 5, completed: 5, issued: 2, refused: 3, state: 'finished' });
  const results = (await (
    await fetch(`${s.url}/credentials/batches/${accepted.id}/results`, {
      headers: { authorization: `Bearer ${s.key}` },
    })
  ).json()) as { results: Array<Record<string, any>> };
  t.deepEqual(
    results.results.map((r) => [r.index, r.status]),
    [
      [0, 'issued'],
      [1, 'refused'],
      [2, 'issued'],
      [3, 'refused'],
      [4, 'refused'],
    ],
  );
  const vc = results.results[0]?.verifiableCredential as { id: string; issuer: unknown };
  t.is((await s.issuer.getRecord(vc.id)).ministry, 'bo-cong-an');
  t.is(results.results[1]?.problem.code, 'SCHEMA_VALIDATION_ERROR');
  t.true(
    ((results.results[1]?.problem.violations ?? []) as Array<{ pointer: string }>).some((v) =>
      v.pointer.includes('dateOfBirth'),
    ),
  );
  t.is(results.results[3]?.problem.code, 'FORBIDDEN_FIELD');
  t.like(results.results[4]?.problem, { code: 'MALFORMED_VALUE_ERROR', pointer: '/idempotencyKey' });

  // The same item idempotency key in a later batch returns the same credential, not a second one.
  const again = await fetch(`${s.url}/credentials/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
    body: JSON.stringify([item(fixtures.DrivingLicence, { idempotencyKey: 'licence-0003' })]),
  });
  t.is(again.status, 202);
  const second = (await again.json()) as { id: string };
  await waitFinished(s, second.id);
  const secondResults = (await (
    await fetch(`${s.url}/credentials/batches/${second.id}/results`, { headers: { authorization: `Bearer ${s.key}` } })
  ).json()) as { results: Array<Record<string, any>> };
  t.deepEqual(secondResults.results[0]?.verifiableCredential, results.results[2]?.verifiableCredential);
  t.is((await s.issuer.listRecords()).length, 2);

  // Another ministry's key does not see the batch; no key is 401.
  const other = generateApiKey();
  await s.issuer.addApiKey({ ministry: 'bhxh', sha256: hashApiKey(other) });
  const foreign = await fetch(`${s.url}/credentials/batches/${accepted.id}`, {
    headers: { authorization: `Bearer ${other}` },
  });
  t.is(foreign.status, 404);
  t.is(((await foreign.json()) as { code: string }).code, 'BATCH_NOT_FOUND');
  t.is((await fetch(`${s.url}/credentials/batches/${accepted.id}`)).status, 401);
});

test('an oversized batch, a malformed line, an empty batch and a wrong media type are refused before anything is stored', async (t) => {
  const dir = await tempDir('vneid-batch-');
  const s = await start(dir, { maxItems: 3 });
  t.teardown(async () => {
    await s.close();
    await removeDir(dir);
  });
  const post = (body: string, type = 'application/json') =>
    fetch(`${s.url}/credentials/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.key}`, 'content-type': type },
      body,
    });
  const four = JSON.stringify(Array.from({ length: 4 }, () => item(fixtures.DrivingLicence)));
  const big = await post(four);
  t.is(big.status, 413);
  t.like(await big.json(), { code: 'INPUT_LIMIT_EXCEEDED' });
  const bigLines = await post(
    Array.from({ length: 4 }, () => JSON.stringify(item(fixtures.DrivingLicence))).join('\n'),
    'application/jsonl',
  );
  t.is(bigLines.status, 413);
  const broken = await post(`${JSON.stringify(item(fixtures.DrivingLicence))}\n{not json`, 'application/jsonl');
  t.is(broken.status, 400);
  t.like(await broken.json(), { code: 'MALFORMED_VALUE_ERROR' });
  const proto = await post('[{"__proto__": {"x": 1}}]');
  t.is(proto.status, 400);
  t.like(await proto.json(), { code: 'UNSAFE_JSON' });
  t.is((await post('[]')).status, 400);
  t.is((await post('{}')).status, 400);
  t.is((await post('[]', 'text/plain')).status, 415);
  t.is((await s.issuer.listRecords()).length, 0);
  t.deepEqual(await s.issuer.batches.unfinishedBatches(), []);
});

test('a batch left unfinished by a stop is resumed at the next start: every item gets exactly one result and one credential', async (t) => {
  const dir = await tempDir('vneid-batch-');
  t.teardown(() => removeDir(dir));
  let s = await start(dir, { concurrency: 1 });
  const items = Array.from({ length: 6 }, () => item(fixtures.DrivingLicence));
  const res = await fetch(`${s.url}/credentials/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(items),
  });
  t.is(res.status, 202);
  const { id } = (await res.json()) as { id: string };
  // Stop as soon as the first item is in: the rest are pending in the store.
  for (let i = 0; i < 400 && (await s.issuer.batches.batchResults(id)).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await s.close();
  const issuer = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  const pending = await issuer.batches.pendingBatchItems(id);
  await issuer.close();
  t.true(pending.length > 0 && pending.length < 6, `stopped mid-batch (${pending.length} pending)`);

  s = await start(dir);
  t.teardown(() => s.close());
  const done = await waitFinished(s, id);
  t.like(done, { total: 6, completed: 6, issued: 6, refused: 0 });
  t.is((await s.issuer.listRecords()).length, 6);
  t.deepEqual(await s.issuer.batches.pendingBatchItems(id), [], 'item requests are dropped once finished');
});
