import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { pino } from 'pino';
import { createBatchRunner, generateApiKey, hashApiKey, startServer } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

// POST /credentials/issue writes a cross-ministry attempt to the audit chain; the same attempt inside a batch must too.
test('batch items asking to issue for another ministry are refused FORBIDDEN and the attempt is in the audit chain once per batch', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  const key = generateApiKey();
  await issuer.addApiKey({ ministry: 'bhxh', sha256: hashApiKey(key) });
  const batchRunner = createBatchRunner(issuer, { retryMs: 200 });
  const started = await startServer({ issuer, port: 0, batchRunner, logger: pino({ level: 'silent' }) });
  t.teardown(async () => {
    await started.close();
    await batchRunner.close();
    await cleanup();
  });
  const forged = {
    credential: {
      type: ['VerifiableCredential', 'CitizenIdentityCard'],
      credentialSubject: fixtures.CitizenIdentityCard,
    },
    options: { ministry: 'bo-cong-an' },
  };
  const res = await fetch(`${started.url}/credentials/batches`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify([forged, forged, forged]),
  });
  t.is(res.status, 202);
  const { id } = (await res.json()) as { id: string };
  let body: { state: string; results: Array<{ status: string; problem?: { code: string } }> } | undefined;
  for (let i = 0; i < 400; i++) {
    const r = await fetch(`${started.url}/credentials/batches/${id}/results`, {
      headers: { authorization: `Bearer ${key}` },
    });
    body = (await r.json()) as typeof body;
    if (body?.state === 'finished') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.deepEqual(
    body?.results.map((r) => r.problem?.code),
    ['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  );
  const events = [];
  for await (const e of issuer.auditEntries()) if (e.event === 'security-cross-ministry-refused') events.push(e.data);
  t.is(events.length, 1);
  t.like(events[0], { ministry: 'bhxh', action: 'batch', batch: id });
  t.is((await issuer.listRecords()).length, 0);
});
