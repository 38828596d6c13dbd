// publishList dates every new copy after the last one (verifiers refuse an older list as a
// rollback). After one publication by a clock a day ahead, following it at +1 ms would date
// every later copy in the future, which verifiers (5 minutes of tolerance) refuse: revocations
// would silently stop. Within 60 s of skew the list follows the last copy; beyond, publication is
// refused with STATUS_LIST_CLOCK_SKEW (503, Retry-After) and counted for the alert.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createApp } from '../src/index.js';
import { freshIssuer, holderDid } from './helpers/setup.js';

async function world() {
  let clock = Date.parse('2026-06-01T08:00:00Z');
  const fresh = await freshIssuer({ now: () => new Date(clock) });
  const vc = await fresh.issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: structuredClone(fixtures.DrivingLicence),
    holder: await holderDid(),
    suite: 'eddsa-rdfc-2022',
  } as never);
  const entry = (vc.credentialStatus as Array<Record<string, string>>).find((s) => s.statusPurpose === 'revocation')!;
  const listId = (entry.statusListCredential as string).split('/').pop() as string;
  return { ...fresh, vc, listId, step: (ms: number) => (clock += ms), now: () => clock };
}

test('after a publication by a clock a day ahead, publishing is refused with STATUS_LIST_CLOCK_SKEW (503, Retry-After, counted)', async (t) => {
  const w = await world();
  t.teardown(w.cleanup);
  w.step(24 * 3600_000); // the clock steps a day ahead, and a list is served meanwhile
  const ahead = await w.issuer.getSignedStatusList(w.listId);
  w.step(-24 * 3600_000); // NTP corrects it

  // The revocation itself is committed and acknowledged; only the list cannot be published yet.
  await t.notThrowsAsync(w.issuer.revoke(w.vc.id as string));
  const refused = await t.throwsAsync(w.issuer.getSignedStatusList(w.listId));
  t.is((refused as { code?: string }).code, 'STATUS_LIST_CLOCK_SKEW');

  const app = createApp({ issuer: w.issuer, apiKeys: [] });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = await fetch(`${base}/status-lists/${w.listId}`);
  t.is(res.status, 503);
  t.is(res.headers.get('retry-after'), '60');
  t.is(((await res.json()) as { code: string }).code, 'STATUS_LIST_CLOCK_SKEW');
  const metrics = await (await fetch(`${base}/metrics`)).text();
  t.regex(metrics, /^vneid_status_list_clock_skew_total 1$/m);

  // Once the clock passes the last copy's date, the list carrying the revocation is published.
  w.step(24 * 3600_000);
  const later = await w.issuer.getSignedStatusList(w.listId);
  t.true(Date.parse(later.signedAt) > Date.parse(ahead.signedAt));
  t.true(Date.parse(later.signedAt) - w.now() <= 60_000);
});

test('a last copy dated within the allowed skew (30 s ahead) is followed at +1 ms, not refused', async (t) => {
  const w = await world();
  t.teardown(w.cleanup);
  w.step(30_000);
  const ahead = await w.issuer.getSignedStatusList(w.listId);
  w.step(-30_000);
  await w.issuer.revoke(w.vc.id as string);
  const signed = await w.issuer.getSignedStatusList(w.listId);
  t.is(Date.parse(signed.signedAt), Date.parse(ahead.signedAt) + 1);
  t.true(Date.parse(signed.signedAt) - w.now() <= 5 * 60_000, 'verifiers accept it (5 min tolerance)');
});
