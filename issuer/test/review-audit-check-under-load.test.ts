// The monitoring's audit check (vneid_audit_check_ok, alert VneidAuditCheckFailed: severity page,
// runbook "Stop issuance") calls verifyAuditLog while the service keeps issuing. verifyAuditChain
// reads the head first and then streams every entry, including those appended meanwhile, so a
// healthy chain is reported broken whenever an append lands during the walk.
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { freshIssuer, holderDid } from './helpers/setup.js';

test('verifyAuditLog on a healthy chain, while credentials are being issued, reports it valid', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const holder = await holderDid();
  let issuing = true;
  const load = (async () => {
    while (issuing) {
      await issuer.issue({
        ministry: 'bo-cong-an',
        type: 'DrivingLicence',
        subject: structuredClone(fixtures.DrivingLicence),
        holder,
        suite: 'eddsa-rdfc-2022',
      } as never);
    }
  })();
  const results = [];
  for (let i = 0; i < 20; i++) results.push(await issuer.verifyAuditLog());
  issuing = false;
  await load;
  const final = await issuer.verifyAuditLog();
  t.true(final.valid, 'the chain is intact once issuing stops');
  const falseAlarms = results.filter((r) => !r.valid);
  t.is(falseAlarms.length, 0, `false "broken chain" reports during issuance: ${JSON.stringify(falseAlarms.slice(0, 3))}`);
});
