import test from 'ava';
import { createChallengeStore } from '../src/index.js';

test('a challenge is consumed once; unknown, reused and expired challenges are refused', (t) => {
  let now = new Date('2026-06-01T00:00:00Z');
  const store = createChallengeStore({ ttlSeconds: 30, now: () => now });
  const a = store.issue();
  const b = store.issue();
  t.not(a, b);
  t.regex(a, /^[A-Za-z0-9_-]{43}$/);
  t.true(store.consume(a));
  t.false(store.consume(a));
  t.false(store.consume('never-issued'));
  now = new Date(now.getTime() + 31_000);
  t.false(store.consume(b));
});

test('the store is bounded: the oldest outstanding challenge is dropped first', (t) => {
  const store = createChallengeStore({ ttlSeconds: 30, maxEntries: 2 });
  const first = store.issue();
  const second = store.issue();
  const third = store.issue();
  t.false(store.consume(first));
  t.true(store.consume(second));
  t.true(store.consume(third));
  t.throws(() => createChallengeStore({ ttlSeconds: 0 }), { instanceOf: TypeError });
});
