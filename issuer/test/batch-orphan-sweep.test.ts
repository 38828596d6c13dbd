import { randomUUID } from 'node:crypto';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createBatchRunner } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

const item = {
  credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: fixtures.DrivingLicence },
  options: { suite: 'eddsa-rdfc-2022' },
};

// On PostgreSQL a batch is stored by whichever replica took the request. If that replica dies and
// never starts again, `resume()` (run once at start) on the others does not see it: it stayed pending forever.
test('a batch left unfinished by another process after this runner started is taken over once it is old enough, exactly once per item', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  let clock = Date.parse('2026-12-05T12:00:00Z');
  const runner = createBatchRunner(issuer, { sweepMs: 50, takeOverAfterMs: 60_000, now: () => new Date(clock) });
  t.teardown(async () => {
    await runner.close();
    await cleanup();
  });
  await runner.resume();
  // What the dead replica left: the batch and its items, one result written before it died.
  const id = randomUUID();
  await issuer.batches.createBatch({ id, ministry: 'bo-cong-an', total: 3, createdAt: new Date(clock).toISOString() }, [
    item,
    item,
    item,
  ]);
  const first = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: fixtures.DrivingLicence,
    suite: 'eddsa-rdfc-2022',
    idempotencyKey: `batch:${id}:0`,
  } as never);
  await issuer.batches.putBatchResult(id, {
    index: 0,
    status: 'issued',
    credentialId: String(first.id),
    idempotencyKey: `batch:${id}:0`,
  });

  await new Promise((r) => setTimeout(r, 300));
  t.is((await runner.progress(id, 'bo-cong-an')).state, 'pending', 'a young batch may still be running elsewhere');

  clock += 61_000;
  let progress = await runner.progress(id, 'bo-cong-an');
  for (let i = 0; i < 200 && progress.state !== 'finished'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    progress = await runner.progress(id, 'bo-cong-an');
  }
  t.like(progress, { state: 'finished', total: 3, completed: 3, issued: 3 });
  t.is((await issuer.listRecords()).length, 3, 'the item issued before the death is not issued again');
});
