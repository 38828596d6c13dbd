import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonObject } from '@vneid/core';
import test from 'ava';
import { createTestIssuer, type TestIssuer } from './helpers/issue.js';
import { newWallet, presentWithConsent, requestFor } from './helpers/wallet.js';

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;

/**
 * A status list host on 127.0.0.1 serving whatever the test puts in `lists`
 * (path → JSON). The wallet's fetcher maps the https list URL onto it, as an
 * app's HTTP layer would fetch it.
 */
async function statusHost(t: Parameters<typeof newWallet>[0]) {
  const lists = new Map<string, unknown>();
  const server: Server = createServer((req, res) => {
    const body = lists.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vc+ld+json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const fetched: string[] = [];
  const fetchStatusList = async (url: string) => {
    fetched.push(url);
    const response = await fetch(`http://127.0.0.1:${port}${new URL(url).pathname}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.text();
  };
  const publish = async (issuer: TestIssuer, purpose: 'revocation' | 'suspension', list?: JsonObject) => {
    lists.set(new URL(issuer.listUrl(purpose)).pathname, list ?? (await issuer.statusListCredential(purpose)));
  };
  return { lists, fetched, fetchStatusList, publish };
}

test('a revoked credential is marked revoked after refresh and present() no longer picks it', async (t) => {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet } = await newWallet(t, { resolver: issuer.resolver });
  const host = await statusHost(t);
  const kept = await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid });
  const revoked = await issuer.issue({
    type: 'DrivingLicence',
    holder: wallet.holderDid,
    validFrom: '2025-06-01T00:00:00Z',
  });
  await wallet.add(kept);
  await wallet.add(revoked);
  const keptId = kept.id as string;
  const revokedId = revoked.id as string;
  // The newer licence is preferred while it is good.
  const before = await presentWithConsent(wallet, requestFor('DrivingLicence', ['licenceClasses']));
  t.is(before.record.credentials[0]?.id, revokedId);

  issuer.setStatus(revoked, 'revocation', true);
  await host.publish(issuer, 'revocation');
  await host.publish(issuer, 'suspension');
  const summary = await wallet.refreshStatus(host.fetchStatusList);
  t.deepEqual(summary.errors, []);
  t.is(summary.lists, 2);
  t.is(host.fetched.length, 2);
  const byId = Object.fromEntries(summary.credentials.map((c) => [c.id, c.status]));
  t.deepEqual(byId, { [keptId]: 'active', [revokedId]: 'revoked' });
  t.is((await wallet.list()).find((c) => c.id === revokedId)?.status, 'revoked');

  const after = await presentWithConsent(wallet, requestFor('DrivingLicence', ['licenceClasses']));
  t.is(after.record.credentials[0]?.id, keptId);
  issuer.setStatus(kept, 'revocation', true);
  await host.publish(issuer, 'revocation');
  await wallet.refreshStatus(host.fetchStatusList);
  t.is(
    codeOf(await t.throwsAsync(presentWithConsent(wallet, requestFor('DrivingLicence', ['licenceClasses'])))),
    'NO_MATCHING_CREDENTIAL',
  );
});

test('suspension is lifted by a newer list; revocation is final; an older list is STATUS_LIST_ROLLBACK', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const host = await statusHost(t);
  const vc = await issuer.issue({ type: 'HealthInsuranceCard', holder: wallet.holderDid });
  await wallet.add(vc);
  await host.publish(issuer, 'revocation');
  issuer.setStatus(vc, 'suspension', true);
  const suspendedList = await issuer.statusListCredential('suspension', {
    validFrom: new Date('2026-05-01T00:00:00Z'),
  });
  await host.publish(issuer, 'suspension', suspendedList);
  t.is((await wallet.refreshStatus(host.fetchStatusList)).credentials[0]?.status, 'suspended');
  t.is(
    codeOf(await t.throwsAsync(presentWithConsent(wallet, requestFor('HealthInsuranceCard', ['benefitLevel'])))),
    'NO_MATCHING_CREDENTIAL',
  );

  // An older, validly signed list where the bit is clear: replayed by the host, refused.
  issuer.setStatus(vc, 'suspension', false);
  const older = await issuer.statusListCredential('suspension', { validFrom: new Date('2026-04-01T00:00:00Z') });
  await host.publish(issuer, 'suspension', older);
  const replay = await wallet.refreshStatus(host.fetchStatusList);
  t.is(replay.credentials[0]?.status, 'suspended');
  t.deepEqual(
    replay.errors.map((e) => e.code),
    ['STATUS_LIST_ROLLBACK'],
  );

  const lifted = await issuer.statusListCredential('suspension', { validFrom: new Date('2026-05-15T00:00:00Z') });
  await host.publish(issuer, 'suspension', lifted);
  t.is((await wallet.refreshStatus(host.fetchStatusList)).credentials[0]?.status, 'active');
  await presentWithConsent(wallet, requestFor('HealthInsuranceCard', ['benefitLevel']));

  issuer.setStatus(vc, 'revocation', true);
  await host.publish(issuer, 'revocation');
  t.is((await wallet.refreshStatus(host.fetchStatusList)).credentials[0]?.status, 'revoked');
  issuer.setStatus(vc, 'revocation', false);
  await host.publish(
    issuer,
    'revocation',
    await issuer.statusListCredential('revocation', { validFrom: new Date('2026-05-20T00:00:00Z') }),
  );
  t.is((await wallet.refreshStatus(host.fetchStatusList)).credentials[0]?.status, 'revoked');
});

test('lists that are forged, foreign, swapped, unreachable or short are reported with their code; status is kept', async (t) => {
  const issuer = await createTestIssuer();
  const impostor = await createTestIssuer({ listBase: 'https://status.vneid.example/impostor' });
  const { wallet } = await newWallet(t);
  const host = await statusHost(t);
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  await wallet.add(vc);

  const refreshCodes = async () => {
    const summary = await wallet.refreshStatus(host.fetchStatusList);
    t.is(summary.credentials[0]?.status, 'unknown');
    return summary.errors.map((e) => e.code).sort();
  };

  // Nothing published: retrieval fails.
  t.deepEqual(await refreshCodes(), ['STATUS_RETRIEVAL_ERROR', 'STATUS_RETRIEVAL_ERROR']);
  await host.publish(issuer, 'suspension');

  // Revocation list with a flipped bit after signing: the proof fails.
  const good = await issuer.statusListCredential('revocation');
  issuer.setStatus(vc, 'revocation', true);
  const revokedList = await issuer.statusListCredential('revocation');
  const forged = { ...good, credentialSubject: revokedList.credentialSubject };
  const flipped = { ...revokedList, credentialSubject: good.credentialSubject };
  for (const list of [forged, flipped]) {
    await host.publish(issuer, 'revocation', list);
    t.deepEqual(await refreshCodes(), ['PROOF_VERIFICATION_ERROR']);
  }
  // Signed by someone else, under the right URL.
  const foreign = await impostor.statusListCredential('revocation');
  await host.publish(issuer, 'revocation', { ...foreign, id: issuer.listUrl('revocation') });
  t.deepEqual(await refreshCodes(), ['STATUS_VERIFICATION_ERROR']);
  // The issuer's own suspension list served as the revocation list.
  await host.publish(issuer, 'revocation', await issuer.statusListCredential('suspension'));
  t.deepEqual(await refreshCodes(), ['STATUS_VERIFICATION_ERROR']);
  // A genuine, signed list shorter than the herd-privacy minimum.
  await host.publish(issuer, 'revocation', await issuer.statusListCredential('revocation', { length: 8 * 1024 }));
  t.deepEqual(await refreshCodes(), ['STATUS_LIST_LENGTH_ERROR']);
  // Not JSON at all.
  const junk = await wallet.refreshStatus(async (url) =>
    url.endsWith('revocation') ? '{"not": json' : host.fetchStatusList(url),
  );
  t.deepEqual(
    junk.errors.map((e) => e.code),
    ['UNSAFE_JSON'],
  );

  // After all of that, the genuine list still applies.
  await host.publish(issuer, 'revocation', revokedList);
  const summary = await wallet.refreshStatus(host.fetchStatusList);
  t.deepEqual(summary.errors, []);
  t.is(summary.credentials[0]?.status, 'revoked');
});
