import { forbidNetwork } from '@vneid/test-support/no-network';

forbidNetwork();

import { registerCredentialType } from '@vneid/schemas';
import test from 'ava';
import { fishingLicence } from './helpers/fishing-licence.js';
import { freshIssuer, holderDid, verifyIssued } from './helpers/setup.js';

// Issue 12 §2 "In-process issuance misses the fast path": the fast path's
// compiled templates and keys are cached per document loader, so a loader
// built per credential made in-thread `issuer.issue()` run at library speed.
test('the issuer keeps one document loader for its life instead of one per credential', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const first = issuer.documentLoader();
  await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: (await import('@vneid/schemas')).fixtures.CitizenIdentityCard as Record<string, unknown>,
    holder: await holderDid(),
  });
  t.is(issuer.documentLoader(), first, 'the same loader, so its caches are reused');
});

test('a type registered after the issuer started is still loaded: the kept loader is renewed', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const before = issuer.documentLoader();
  const definition = fishingLicence();
  await t.throwsAsync(before(definition.contextUrl), { any: true }, 'not known before it is registered');
  registerCredentialType(definition);
  const after = issuer.documentLoader();
  t.not(after, before);
  t.truthy((await after(definition.contextUrl)).document);
  await issuer.addMinistry({
    slug: 'bo-nong-nghiep',
    name: { vi: 'Bộ Nông nghiệp và Môi trường', en: 'Ministry of Agriculture and Environment' },
    role: 'MinistryOfAgricultureAndEnvironment',
  });
  const vc = await issuer.issue({
    ministry: 'bo-nong-nghiep',
    type: 'FishingLicence',
    subject: { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' },
    holder: await holderDid(),
  });
  t.true((await verifyIssued(vc, [issuer.didDocument('bo-nong-nghiep')])).verified);
  t.is(issuer.documentLoader(), after, 'kept again once the registry is stable');
});
