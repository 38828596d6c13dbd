import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import test from 'ava';
import { createChallengeStore, syncStatus, verifyCredential, verifyPresentation } from '../src/index.js';
import { createWorld, derive, issue, NOW, present, publishLists } from './helpers/world.js';

test.serial('credentials and presentations verify, and fail, with every network API throwing', async (t) => {
  const w = await createWorld();
  t.teardown(() => w.close());
  await publishLists(w);
  // The injected fetch serves from memory: the online step's only I/O.
  await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch });
  const opts = { bundle: w.loaded, statusCache: w.cache, now: NOW };
  const base = await issue(w);
  const vc = await derive(w, base, ['fullName', 'licenceClasses']);
  t.true((await verifyCredential(vc, opts)).verified);
  t.false((await verifyCredential(base, opts)).verified);
  const subject = vc.credentialSubject as Record<string, unknown>;
  t.false((await verifyCredential({ ...vc, credentialSubject: { ...subject, fullName: 'X' } }, opts)).verified);
  const unpinned = { ...vc, '@context': [...(vc['@context'] as string[]), 'https://attacker.example/ctx'] };
  t.false((await verifyCredential(unpinned, opts)).verified);
  const unknownIssuer = { ...vc, issuer: 'did:web:unknown.example' };
  t.false((await verifyCredential(unknownIssuer, opts)).verified);

  const store = createChallengeStore({ ttlSeconds: 60, now: () => NOW });
  const challenge = store.issue();
  const vp = await present(w, [vc], { challenge, domain: 'nganhang.example' });
  const ok = await verifyPresentation(vp, { ...opts, challenge, domain: 'nganhang.example', challengeStore: store });
  t.true(ok.verified, JSON.stringify(ok.errors));
  const replay = await verifyPresentation(vp, {
    ...opts,
    challenge,
    domain: 'nganhang.example',
    challengeStore: store,
  });
  t.false(replay.verified);
  const wrongDomain = await verifyPresentation(vp, { ...opts, challenge, domain: 'other.example' });
  t.false(wrongDomain.verified);
  t.deepEqual(networkAttempts, []);
});

test.serial(
  'syncing with the default fetch while offline reports STATUS_RETRIEVAL_ERROR per list, and the guard saw it',
  async (t) => {
    const w = await createWorld();
    t.teardown(() => w.close());
    const before = networkAttempts.length;
    const report = await syncStatus(w.loaded, { cache: w.cache, now: NOW });
    t.true(report.results.every((r) => r.code === 'STATUS_RETRIEVAL_ERROR'));
    t.true(networkAttempts.length > before);
    networkAttempts.length = before;
  },
);
