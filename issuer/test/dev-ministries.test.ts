// Issue 12 §2 "One home for each fact": the list of development ministries
// lives in the service's dev bootstrap; the tests take it from there.
import test from 'ava';
import { DEV_MINISTRIES } from '../src/dev/bootstrap.js';
import { ISSUER_OF, MINISTRIES } from './helpers/setup.js';

test('the test ministries are the dev bootstrap’s, not a copy', (t) => {
  t.deepEqual(Object.values(MINISTRIES), [...DEV_MINISTRIES]);
  for (const [key, ministry] of Object.entries(MINISTRIES)) {
    const home: unknown = DEV_MINISTRIES.find((m) => m.slug === ministry.slug);
    t.true(ministry === home, key);
  }
  for (const slug of Object.values(ISSUER_OF))
    t.truthy(
      DEV_MINISTRIES.find((m) => m.slug === slug),
      slug,
    );
});
