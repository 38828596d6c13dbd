// publishList dates every new copy at max(now, last signedAt + 1 ms) so dates only grow.
// One replica whose clock was ahead (NTP step, wrong host clock) publishing once is enough:
// every later copy, by any replica, is dated in the future. Verifiers refuse lists dated more
// than 5 minutes ahead (sync-status.ts FUTURE_TOLERANCE_MS), so revocations stop reaching them
// until real time catches up with the bad clock.
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { freshIssuer, holderDid } from './helpers/setup.js';

test('after one publication by a clock a day ahead, a revocation is published dated a day in the future', async (t) => {
  let clock = Date.parse('2026-06-01T08:00:00Z');
  const { issuer, cleanup } = await freshIssuer({ now: () => new Date(clock) });
  t.teardown(cleanup);
  const vc = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: structuredClone(fixtures.DrivingLicence),
    holder: await holderDid(),
    suite: 'eddsa-rdfc-2022',
  } as never);
  const entry = (vc.credentialStatus as Array<Record<string, string>>).find((s) => s.statusPurpose === 'revocation')!;
  const listId = (entry.statusListCredential as string).split('/').pop() as string;

  clock += 24 * 3600_000; // the clock steps a day ahead, and a list is served meanwhile
  await issuer.getSignedStatusList(listId);
  clock -= 24 * 3600_000; // NTP corrects it

  await issuer.revoke(vc.id as string);
  const signed = await issuer.getSignedStatusList(listId);
  const aheadMs = Date.parse(signed.signedAt) - clock;
  t.true(
    aheadMs <= 5 * 60_000,
    `the list carrying the revocation is dated ${signed.signedAt}, ${Math.round(aheadMs / 60_000)} min ahead of the clock; verifiers refuse it as future-dated`,
  );
});
