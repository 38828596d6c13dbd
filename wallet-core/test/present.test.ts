import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import {
  createDocumentLoader,
  type JsonLdContextDocument,
  type JsonObject,
  verifyCredentialProof,
  verifyPresentationProof,
} from '@vneid/core';
import { fixtures, registeredContexts } from '@vneid/schemas';
import test from 'ava';
import { createTestIssuer } from './helpers/issue.js';
import { NOW, newWallet, presentWithConsent, requestFor } from './helpers/wallet.js';

test.after.always('no test reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;
const contexts = registeredContexts() as Map<string, JsonLdContextDocument>;

async function walletWithCard(t: Parameters<typeof newWallet>[0]) {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet, path } = await newWallet(t, { resolver: issuer.resolver });
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  await wallet.add(vc);
  const documentLoader = createDocumentLoader({ contexts, resolver: issuer.resolver });
  return { issuer, wallet, path, vc, documentLoader };
}

test('disclosing 2 of 11 fields: the presentation verifies and carries none of the other values', async (t) => {
  const { wallet, vc, documentLoader } = await walletWithCard(t);
  const subject = fixtures.CitizenIdentityCard as unknown as Record<string, string>;
  t.true(Object.keys(subject).length >= 10);
  const request = requestFor('CitizenIdentityCard', ['fullName', 'dateOfBirth'], {
    challenge: 'a1b2c3d4-challenge',
    domain: 'nganhang.example.vn',
    trustedIssuer: ['did:web:bocongan.gov.vn'],
    reason: 'Mở tài khoản ngân hàng',
  });
  const { presentation, record } = await presentWithConsent(wallet, request);

  const proof = await verifyPresentationProof({
    presentation,
    challenge: 'a1b2c3d4-challenge',
    domain: 'nganhang.example.vn',
    documentLoader,
  });
  t.true(proof.verified, proof.error?.message);
  t.is(presentation.holder, wallet.holderDid);
  const [derived] = presentation.verifiableCredential as JsonObject[];
  const credentialProof = await verifyCredentialProof({ credential: derived!, documentLoader });
  t.true(credentialProof.verified, credentialProof.error?.message);
  t.is((derived!.proof as JsonObject).cryptosuite, 'ecdsa-sd-2023');

  const shown = derived!.credentialSubject as Record<string, unknown>;
  t.deepEqual(Object.keys(shown).sort(), ['dateOfBirth', 'fullName', 'id']);
  t.is(shown.fullName, 'Nguyễn Thị Minh Khai');
  // Mandatory claims stay: who issued it, what and until when, where its status is.
  t.is(derived!.issuer, vc.issuer);
  t.deepEqual(derived!.credentialStatus, vc.credentialStatus);

  const text = JSON.stringify(presentation);
  for (const [field, value] of Object.entries(subject)) {
    if (field === 'fullName' || field === 'dateOfBirth') t.true(text.includes(value), field);
    else t.false(text.includes(value), `${field} leaked`);
  }
  t.deepEqual(record.credentials, [
    { id: vc.id as string, type: 'CitizenIdentityCard', fields: ['fullName', 'dateOfBirth'] },
  ]);
  t.deepEqual(record.reasons, ['Mở tài khoản ngân hàng']);
});

test('replaying the presentation with another challenge or domain fails verification', async (t) => {
  const { wallet, documentLoader } = await walletWithCard(t);
  const { presentation } = await presentWithConsent(
    wallet,
    requestFor('CitizenIdentityCard', ['fullName', 'sex'], { challenge: 'first-challenge-1', domain: 'a.example.vn' }),
  );
  const ok = await verifyPresentationProof({
    presentation,
    challenge: 'first-challenge-1',
    domain: 'a.example.vn',
    documentLoader,
  });
  t.true(ok.verified);
  const otherChallenge = await verifyPresentationProof({
    presentation,
    challenge: 'second-challenge-2',
    domain: 'a.example.vn',
    documentLoader,
  });
  t.false(otherChallenge.verified);
  t.is(otherChallenge.error?.code, 'PROOF_VERIFICATION_ERROR');
  const otherDomain = await verifyPresentationProof({
    presentation,
    challenge: 'first-challenge-1',
    domain: 'attacker.example',
    documentLoader,
  });
  t.false(otherDomain.verified);
  t.is(otherDomain.error?.code, 'PROOF_VERIFICATION_ERROR');
});

test('a field the credential type does not have is FIELD_NOT_AVAILABLE, naming it', async (t) => {
  const { wallet } = await walletWithCard(t);
  const error = await t.throwsAsync(
    presentWithConsent(wallet, requestFor('CitizenIdentityCard', ['fullName', 'bloodType'])),
  );
  t.is(codeOf(error), 'FIELD_NOT_AVAILABLE');
  t.is((error as { details?: { field?: string } }).details?.field, 'bloodType');
  t.regex((error as Error).message, /bloodType/);
  t.deepEqual(await wallet.history(), []);
});

test('no credential of the type, or none from a trusted issuer, or none still valid: NO_MATCHING_CREDENTIAL', async (t) => {
  const { wallet, issuer } = await walletWithCard(t);
  t.is(
    codeOf(await t.throwsAsync(presentWithConsent(wallet, requestFor('DrivingLicence', ['fullName'])))),
    'NO_MATCHING_CREDENTIAL',
  );
  t.is(
    codeOf(await t.throwsAsync(presentWithConsent(wallet, requestFor('FishingLicence', ['fullName'])))),
    'NO_MATCHING_CREDENTIAL',
  );
  const untrusted = requestFor('CitizenIdentityCard', ['fullName'], { trustedIssuer: ['did:web:other.gov.vn'] });
  t.is(codeOf(await t.throwsAsync(presentWithConsent(wallet, untrusted))), 'NO_MATCHING_CREDENTIAL');
  // An expired licence is never picked.
  const expired = await issuer.issue({
    type: 'DrivingLicence',
    holder: wallet.holderDid,
    validUntil: '2026-01-01T00:00:00Z',
  });
  await wallet.add(expired);
  t.true((await wallet.list({ type: 'DrivingLicence' }))[0]?.expired);
  t.is(
    codeOf(await t.throwsAsync(presentWithConsent(wallet, requestFor('DrivingLicence', ['fullName'])))),
    'NO_MATCHING_CREDENTIAL',
  );
  t.deepEqual(await wallet.history(), []);
});

test('a __proto__ (or constructor) field is UNSAFE_POINTER and nothing in the process is polluted', async (t) => {
  const { wallet } = await walletWithCard(t);
  const hostile = [
    JSON.parse(
      '{"query":[{"type":"QueryByExample","credentialQuery":{"example":{"type":"CitizenIdentityCard","credentialSubject":{"__proto__":{"polluted":"yes"},"fullName":""}}}}],"challenge":"challenge-12345","domain":"evil.example"}',
    ),
    '{"query":[{"type":"QueryByExample","credentialQuery":{"example":{"type":"CitizenIdentityCard","credentialSubject":{"__proto__":{"polluted":"yes"}}}}}],"challenge":"challenge-12345","domain":"evil.example"}',
    requestFor('CitizenIdentityCard', ['constructor']),
    requestFor('CitizenIdentityCard', ['fullName/__proto__/polluted']),
  ];
  for (const request of hostile) {
    t.is(codeOf(await t.throwsAsync(presentWithConsent(wallet, request))), 'UNSAFE_POINTER');
  }
  t.is(({} as Record<string, unknown>).polluted, undefined);
  t.is((Object.prototype as Record<string, unknown>).polluted, undefined);
  t.deepEqual(await wallet.history(), []);
});

test('malformed requests are MALFORMED_VALUE_ERROR (short challenge, no domain, two types)', async (t) => {
  const { wallet } = await walletWithCard(t);
  t.is(
    codeOf(
      await t.throwsAsync(
        presentWithConsent(wallet, requestFor('CitizenIdentityCard', ['fullName'], { challenge: 'short' })),
      ),
    ),
    'MALFORMED_VALUE_ERROR',
  );
  t.is(
    codeOf(
      await t.throwsAsync(
        presentWithConsent(wallet, { ...requestFor('CitizenIdentityCard', ['fullName']), domain: '' }),
      ),
    ),
    'MALFORMED_VALUE_ERROR',
  );
  const twoTypes = requestFor('CitizenIdentityCard', ['fullName']);
  (twoTypes.query[0]!.credentialQuery.example as { type: unknown }).type = ['CitizenIdentityCard', 'DrivingLicence'];
  t.is(codeOf(await t.throwsAsync(presentWithConsent(wallet, twoTypes))), 'MALFORMED_VALUE_ERROR');
});

test('a non-sd (eddsa-rdfc-2022) credential is presented only whole: SELECTIVE_DISCLOSURE_UNSUPPORTED otherwise', async (t) => {
  const issuer = await createTestIssuer({ keyType: 'Ed25519' });
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'UniversityDegree', holder: wallet.holderDid });
  await wallet.add(vc);
  const partial = requestFor('UniversityDegree', ['degreeTitle', 'institution']);
  t.is(codeOf(await t.throwsAsync(presentWithConsent(wallet, partial))), 'SELECTIVE_DISCLOSURE_UNSUPPORTED');
  const fields = Object.keys(fixtures.UniversityDegree);
  const { presentation, record } = await presentWithConsent(wallet, requestFor('UniversityDegree', fields));
  const documentLoader = createDocumentLoader({ contexts });
  t.true(
    (
      await verifyPresentationProof({
        presentation,
        challenge: 'challenge-0001-c0ffee',
        domain: 'nganhang.example.vn',
        documentLoader,
      })
    ).verified,
  );
  t.deepEqual((presentation.verifiableCredential as JsonObject[])[0], vc);
  t.deepEqual(record.credentials[0]?.fields.sort(), fields.sort());
});

test('history records time, domain, credential and field NAMES only, newest first', async (t) => {
  const { wallet, issuer, vc } = await walletWithCard(t);
  const licence = await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid });
  await wallet.add(licence);
  await presentWithConsent(
    wallet,
    requestFor('CitizenIdentityCard', ['fullName', 'personalIdentificationNumber'], { domain: 'first.example.vn' }),
  );
  await presentWithConsent(
    wallet,
    requestFor('DrivingLicence', ['licenceClasses'], { domain: 'csgt.bocongan.gov.vn' }),
  );
  const entries = await wallet.history();
  t.deepEqual(
    entries.map((e) => e.domain),
    ['csgt.bocongan.gov.vn', 'first.example.vn'],
  );
  t.is(entries[0]?.at, NOW.toISOString());
  t.deepEqual(entries[0]?.credentials, [
    { id: licence.id as string, type: 'DrivingLicence', fields: ['licenceClasses'] },
  ]);
  t.deepEqual(entries[1]?.credentials, [
    { id: vc.id as string, type: 'CitizenIdentityCard', fields: ['fullName', 'personalIdentificationNumber'] },
  ]);
  const text = JSON.stringify(entries);
  for (const value of ['Nguyễn Thị Minh Khai', '001178012345', 'A1', '2035-09-03'])
    t.false(text.includes(value), value);
});

test('a P-256 holder signs presentations with ecdsa-rdfc-2019', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t, { keyType: 'P-256' });
  await wallet.add(await issuer.issue({ type: 'HealthInsuranceCard', holder: wallet.holderDid }));
  const { presentation } = await presentWithConsent(wallet, requestFor('HealthInsuranceCard', ['benefitLevel']));
  t.is((presentation.proof as JsonObject).cryptosuite, 'ecdsa-rdfc-2019');
  const documentLoader = createDocumentLoader({ contexts });
  t.true(
    (
      await verifyPresentationProof({
        presentation,
        challenge: 'challenge-0001-c0ffee',
        domain: 'nganhang.example.vn',
        documentLoader,
      })
    ).verified,
  );
});
