import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openChallengeLog, syncStatus, verifyPresentation } from '../src/index.js';
import { createWorld, derive, issue, NOW, present, publishLists, type World } from './helpers/world.js';

const DOMAIN = 'csgt.bocongan.gov.vn';

test('openChallengeLog: of concurrent consumes of one challenge exactly one wins; other challenges are not held up', async (t) => {
  const log = await openChallengeLog({ path: join(mkdtempSync(join(tmpdir(), 'chal-race-')), 'db') });
  t.teardown(() => log.close());
  const results = await Promise.all([
    log.consume('same-challenge'),
    log.consume('same-challenge'),
    log.consume('same-challenge'),
  ]);
  t.is(results.filter(Boolean).length, 1, `consumes returned ${JSON.stringify(results)}`);
  // Its twin: distinct challenges consumed at the same time each succeed once.
  const distinct = await Promise.all([log.consume('a'), log.consume('b'), log.consume('c')]);
  t.deepEqual(distinct, [true, true, true]);
  t.false(await log.consume('a'));
});

test('a presentation verified twice concurrently against the on-disk challenge log is accepted once, not replayed', async (t) => {
  const world: World = await createWorld();
  t.teardown(() => world.close());
  await publishLists(world);
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
  const log = await openChallengeLog({ path: join(mkdtempSync(join(tmpdir(), 'chal-race-')), 'db'), now: () => NOW });
  t.teardown(() => log.close());
  const challenge = 'roadside-0001';
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], { challenge, domain: DOMAIN });
  const opts = {
    bundle: world.loaded,
    statusCache: world.cache,
    now: NOW,
    domain: DOMAIN,
    challenge,
    challengeStore: log,
  };
  const [a, b] = await Promise.all([verifyPresentation(vp, opts), verifyPresentation(vp, opts)]);
  t.is([a, b].filter((r) => r.verified).length, 1, 'the same presentation must be accepted exactly once');
});
