import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { openChallengeLog, syncStatus, verifyPresentation } from '../src/index.js';
import { createWorld, derive, issue, NOW, present, publishLists, type World } from './helpers/world.js';

const DOMAIN = 'csgt.bocongan.gov.vn';

test('openChallengeLog: two concurrent consumes of one challenge both succeed (get-then-put race)', async (t) => {
  const log = await openChallengeLog({ path: join(mkdtempSync(join(tmpdir(), 'review-chal-')), 'db') });
  t.teardown(() => log.close());
  const results = await Promise.all([log.consume('same-challenge'), log.consume('same-challenge')]);
  t.deepEqual(results.filter(Boolean).length, 1, `both consumes returned ${JSON.stringify(results)}`);
});

test('a presentation verified twice concurrently against the on-disk challenge log is accepted twice (replay)', async (t) => {
  const world: World = await createWorld();
  t.teardown(() => world.close());
  await publishLists(world);
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
  const log = await openChallengeLog({ path: join(mkdtempSync(join(tmpdir(), 'review-chal-')), 'db'), now: () => NOW });
  t.teardown(() => log.close());
  const challenge = 'roadside-0001';
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], { challenge, domain: DOMAIN });
  const opts = { bundle: world.loaded, statusCache: world.cache, now: NOW, domain: DOMAIN, challenge, challengeStore: log };
  const [a, b] = await Promise.all([verifyPresentation(vp, opts), verifyPresentation(vp, opts)]);
  t.false(a.verified && b.verified, 'the same presentation was accepted twice');
});
