import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { pino } from 'pino';
import { createBatchRunner, generateApiKey, hashApiKey, startServer } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

// Each running batch holds its items in memory and a submission costs one request of the rate
// limit: without a cap, one key could hold thousands of batches (16 MiB each) in flight at once.
test('a ministry with its unfinished batches at the cap gets 429 RATE_LIMITED for the next one, another ministry is not held up, and once a batch finishes it may submit again', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  const key = generateApiKey();
  const other = generateApiKey();
  await issuer.addApiKey({ ministry: 'bo-cong-an', sha256: hashApiKey(key) });
  await issuer.addApiKey({ ministry: 'bhxh', sha256: hashApiKey(other) });
  const batchRunner = createBatchRunner(issuer, { concurrency: 1, retryMs: 200, maxPendingPerMinistry: 1 });
  const started = await startServer({
    issuer,
    port: 0,
    batchRunner,
    logger: pino({ level: 'silent' }),
    batchLimits: { maxItems: 20 },
  });
  t.teardown(async () => {
    await started.close();
    await batchRunner.close();
    await cleanup();
  });
  const submit = (bearer: string, type: string, subject: unknown, n: number) =>
    fetch(`${started.url}/credentials/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        Array.from({ length: n }, () => ({
          credential: { type: ['VerifiableCredential', type], credentialSubject: subject },
          options: { suite: 'eddsa-rdfc-2022' },
        })),
      ),
    });

  const first = await submit(key, 'DrivingLicence', fixtures.DrivingLicence, 20);
  t.is(first.status, 202);
  const { id } = (await first.json()) as { id: string };
  const refused = await submit(key, 'DrivingLicence', fixtures.DrivingLicence, 1);
  t.is(refused.status, 429);
  t.is(((await refused.json()) as { code: string }).code, 'RATE_LIMITED');
  t.truthy(refused.headers.get('retry-after'));
  const elsewhere = await submit(other, 'HealthInsuranceCard', fixtures.HealthInsuranceCard, 1);
  t.is(elsewhere.status, 202);

  const finished = async (batch: string, bearer: string) => {
    for (let i = 0; i < 1200; i++) {
      const res = await fetch(`${started.url}/credentials/batches/${batch}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      if (((await res.json()) as { state: string }).state === 'finished') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    t.fail('the batch did not finish');
  };
  await finished(id, key);
  const later = await submit(key, 'DrivingLicence', fixtures.DrivingLicence, 1);
  t.is(later.status, 202);
  await finished(((await later.json()) as { id: string }).id, key);
  await finished(((await elsewhere.json()) as { id: string }).id, other);
  t.is((await issuer.listRecords()).length, 20 + 1 + 1, 'nothing from the refused submission was issued');
});
