import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import {
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  mandatoryPointersFor,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import { fixtures, registeredContexts } from '@vneid/schemas';
import test from 'ava';
import { createTestIssuer } from './helpers/issue.js';
import { newWallet } from './helpers/wallet.js';

test.after.always('no test reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;

test('a did:web issuer credential verifies offline through the resolver and is listed with labels', async (t) => {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet } = await newWallet(t, { resolver: issuer.resolver });
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  const { added, credential } = await wallet.add(vc);
  t.true(added);
  t.like(credential, {
    id: vc.id,
    type: 'CitizenIdentityCard',
    issuer: 'did:web:bocongan.gov.vn',
    validUntil: '2036-01-01T00:00:00Z',
    status: 'unknown',
    expired: false,
    selectiveDisclosure: true,
  });
  t.deepEqual(credential.labels.type, { vi: 'Thẻ căn cước', en: 'Citizen identity card' });
  t.deepEqual(
    (await wallet.list({ type: 'CitizenIdentityCard' })).map((c) => c.id),
    [vc.id],
  );
  t.deepEqual(await wallet.list({ type: 'DrivingLicence' }), []);
});

test('without the did:web document the issuer cannot be checked: DID_NOT_FOUND, nothing stored', async (t) => {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  t.is(codeOf(await t.throwsAsync(wallet.add(vc))), 'DID_NOT_FOUND');
  t.deepEqual(await wallet.list(), []);
});

test('adding the same credential twice is harmless', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid });
  t.true((await wallet.add(vc)).added);
  t.false((await wallet.add(structuredClone(vc))).added);
  t.false((await wallet.add(JSON.stringify(vc))).added);
  t.is((await wallet.list()).length, 1);
});

test('another credential reusing an id the wallet holds is CREDENTIAL_ID_CONFLICT, and the held one is untouched', async (t) => {
  const ministry = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet } = await newWallet(t, { resolver: ministry.resolver });
  const genuine = await ministry.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  t.true((await wallet.add(genuine)).added);
  // A did:key "issuer" signs a forged card under the genuine card's id.
  const evil = await generateKeyPair({ keyType: 'P-256' });
  const { proof: _proof, ...unsigned } = structuredClone(genuine) as JsonObject;
  unsigned.issuer = evil.controller;
  (unsigned.credentialSubject as JsonObject).fullName = 'Kẻ Giả Mạo';
  const forged = await signCredential({
    credential: unsigned,
    key: evil,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader: createDocumentLoader({ contexts: registeredContexts() as Map<string, JsonLdContextDocument> }),
    mandatoryPointers: mandatoryPointersFor(unsigned),
  });
  t.is(codeOf(await t.throwsAsync(wallet.add(forged))), 'CREDENTIAL_ID_CONFLICT');
  t.deepEqual(
    (await wallet.list()).map((c) => [c.id, c.issuer]),
    [[genuine.id, 'did:web:bocongan.gov.vn']],
  );
  t.is(
    ((await wallet.get(genuine.id as string)) as JsonObject & { credentialSubject: JsonObject }).credentialSubject
      .fullName,
    fixtures.CitizenIdentityCard.fullName,
  );
});

test('a credential issued to another holder is HOLDER_MISMATCH', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const { wallet: other } = await newWallet(t);
  const vc = await issuer.issue({ type: 'DrivingLicence', holder: other.holderDid });
  t.is(codeOf(await t.throwsAsync(wallet.add(vc))), 'HOLDER_MISMATCH');
  t.deepEqual(await wallet.list(), []);
  t.true((await other.add(vc)).added);
});

test('a tampered ecdsa-sd-2023 credential is refused with PROOF_VERIFICATION_ERROR', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  // A non-mandatory claim (signed individually) and a mandatory one (in the base signature).
  const subject = vc.credentialSubject as Record<string, unknown>;
  const claim = { ...vc, credentialSubject: { ...subject, placeOfResidence: 'Số 1 phố Giả Mạo, Hà Nội' } };
  t.is(codeOf(await t.throwsAsync(wallet.add(claim))), 'PROOF_VERIFICATION_ERROR');
  const mandatory = { ...vc, validUntil: '2099-01-01T00:00:00Z' };
  t.is(codeOf(await t.throwsAsync(wallet.add(mandatory))), 'PROOF_VERIFICATION_ERROR');
  // A claim the issuer never signed (a term the context defines) is caught by the full-disclosure comparison.
  const unsigned = { ...vc, description: 'an added claim' };
  t.is(codeOf(await t.throwsAsync(wallet.add(unsigned))), 'PROOF_VERIFICATION_ERROR');
  t.deepEqual(await wallet.list(), []);
  t.true((await wallet.add(vc)).added);
});

test('a derived (not base) sd credential is refused: the wallet needs the base proof to disclose later', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  const everything = Object.keys(vc)
    .filter((k) => k !== '@context' && k !== 'proof')
    .map((k) => `/${k}`);
  const documentLoader = createDocumentLoader({ contexts: registeredContexts() as Map<string, JsonLdContextDocument> });
  const derived = await deriveCredential({ credential: vc, selectivePointers: everything, documentLoader });
  t.true((await verifyCredentialProof({ credential: derived, documentLoader })).verified);
  t.is(codeOf(await t.throwsAsync(wallet.add(derived))), 'PROOF_VERIFICATION_ERROR');
});

test('an eddsa-rdfc-2022 credential verifies directly; tampering it is PROOF_VERIFICATION_ERROR', async (t) => {
  const issuer = await createTestIssuer({ keyType: 'Ed25519' });
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'UniversityDegree', holder: wallet.holderDid });
  const subject = vc.credentialSubject as Record<string, unknown>;
  const tampered = { ...vc, credentialSubject: { ...subject, classification: 'excellent' } };
  t.is(codeOf(await t.throwsAsync(wallet.add(tampered))), 'PROOF_VERIFICATION_ERROR');
  const { credential } = await wallet.add(vc);
  t.false(credential.selectiveDisclosure);
});

test('structure and input hygiene: unknown type, prototype keys, not an object, schema violation', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'HealthInsuranceCard', holder: wallet.holderDid });
  t.is(
    codeOf(await t.throwsAsync(wallet.add({ ...vc, type: ['VerifiableCredential', 'FishingLicence'] }))),
    'UNKNOWN_CREDENTIAL_TYPE',
  );
  t.is(codeOf(await t.throwsAsync(wallet.add({ ...vc, type: ['HealthInsuranceCard'] }))), 'MALFORMED_VALUE_ERROR');
  t.is(
    codeOf(await t.throwsAsync(wallet.add({ ...vc, credentialSubject: [vc.credentialSubject] }))),
    'MALFORMED_VALUE_ERROR',
  );
  t.is(codeOf(await t.throwsAsync(wallet.add({ ...vc, issuer: 'https://bocongan.gov.vn' }))), 'MALFORMED_VALUE_ERROR');
  const proto = JSON.parse(`{"__proto__": {"isAdmin": true}, ${JSON.stringify(vc).slice(1)}`);
  t.is(codeOf(await t.throwsAsync(wallet.add(proto))), 'UNSAFE_JSON');
  t.is(codeOf(await t.throwsAsync(wallet.add('not json'))), 'UNSAFE_JSON');
  t.is(codeOf(await t.throwsAsync(wallet.add([vc]))), 'MALFORMED_VALUE_ERROR');
  const badIndex = structuredClone(vc);
  (badIndex.credentialStatus as Array<Record<string, string>>)[0]!.statusListIndex = '94567abc';
  t.is(codeOf(await t.throwsAsync(wallet.add(badIndex))), 'MALFORMED_VALUE_ERROR');
  // Signed by the issuer but over a subject its schema refuses.
  const invalid = await issuer.issue({
    type: 'HealthInsuranceCard',
    holder: wallet.holderDid,
    subject: { ...fixtures.HealthInsuranceCard, coverageTo: '2020-01-01' },
  });
  const error = await t.throwsAsync(wallet.add(invalid));
  t.is(codeOf(error), 'SCHEMA_VALIDATION_ERROR');
  t.false(JSON.stringify((error as { details?: unknown }).details).includes('2020-01-01'));
  t.deepEqual(await wallet.list(), []);
});

test('remove deletes a credential; get of an unknown id is undefined', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  const vc = await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid });
  await wallet.add(vc);
  t.true(await wallet.remove(vc.id as string));
  t.false(await wallet.remove(vc.id as string));
  t.is(await wallet.get(vc.id as string), undefined);
  t.deepEqual(await wallet.list(), []);
});

test('with a trust list, a credential from an attacker did:key is marked untrusted (or refused with ISSUER_NOT_TRUSTED); the ministry stays trusted', async (t) => {
  const ministry = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const attacker = await createTestIssuer({});
  const trustedIssuers = [
    {
      id: ministry.did,
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      credentialTypes: ['CitizenIdentityCard'],
      verificationMethods: [
        {
          id: ministry.key.id,
          type: 'Multikey' as const,
          publicKeyMultibase: ministry.key.publicKeyMultibase,
          validFrom: '2025-01-01T00:00:00Z',
        },
      ],
      statusLists: [],
    },
  ];
  const { wallet } = await newWallet(t, { resolver: ministry.resolver, trustedIssuers });
  const genuine = await wallet.add(await ministry.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid }));
  t.is(genuine.credential.issuerTrust, 'trusted');
  const forged = await wallet.add(await attacker.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid }));
  t.is(forged.credential.issuerTrust, 'untrusted');
  t.deepEqual((await wallet.list()).map((c) => c.issuerTrust).sort(), ['trusted', 'untrusted']);
  const strict = await newWallet(t, { resolver: ministry.resolver, trustedIssuers, untrustedIssuers: 'refuse' });
  const refused = await t.throwsAsync(
    strict.wallet.add(await attacker.issue({ type: 'CitizenIdentityCard', holder: strict.wallet.holderDid })),
  );
  t.is(codeOf(refused), 'ISSUER_NOT_TRUSTED');
  t.deepEqual(await strict.wallet.list(), []);
  // Without a trust list the wallet cannot say: it shows the credential as unchecked.
  const plain = await newWallet(t, {});
  const unchecked = await plain.wallet.add(
    await attacker.issue({ type: 'CitizenIdentityCard', holder: plain.wallet.holderDid }),
  );
  t.is(unchecked.credential.issuerTrust, 'unchecked');
});
