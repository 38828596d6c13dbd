import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import type { RelyingPartyRegistration } from '@vneid/core';
import test from 'ava';
import { createTestIssuer } from './helpers/issue.js';
import { newWallet, requestFor } from './helpers/wallet.js';

test.after.always('no test reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;

const BANK: RelyingPartyRegistration = {
  id: 'nganhang.example.vn',
  name: { vi: 'Ngân hàng Ví dụ', en: 'Example Bank' },
  registration: 'NHNN-2026-0007',
  retention: 'P10Y',
  credentials: [{ type: 'CitizenIdentityCard', fields: ['fullName', 'dateOfBirth', 'personalIdentificationNumber'] }],
};

async function setup(t: Parameters<typeof newWallet>[0]) {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet } = await newWallet(t, { resolver: issuer.resolver, relyingParties: [BANK] });
  await wallet.add(await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid }));
  return wallet;
}

test('the preview names the registered verifier, purpose, fields and retention; a narrowed consent shares less and is listed', async (t) => {
  const wallet = await setup(t);
  const request = requestFor('CitizenIdentityCard', ['fullName', 'dateOfBirth'], { reason: 'Mở tài khoản' });
  const shown = await wallet.preview(request);
  t.deepEqual(shown.verifier, { domain: BANK.id, registered: true, name: BANK.name, registration: BANK.registration });
  t.deepEqual(shown.purpose, ['Mở tài khoản']);
  t.is(shown.retention, 'P10Y');
  t.deepEqual(shown.credentials, [{ type: 'CitizenIdentityCard', fields: ['fullName', 'dateOfBirth'] }]);
  const { presentation } = await wallet.present(request, { ...shown.consent, fields: [['fullName']] });
  const [vc] = presentation.verifiableCredential as Array<{ credentialSubject: object }>;
  t.deepEqual(Object.keys(vc!.credentialSubject).sort(), ['fullName', 'id']);
  const [receipt] = await wallet.consents();
  t.is(receipt!.outcome, 'shared');
  t.deepEqual(receipt!.credentials, [{ type: 'CitizenIdentityCard', fields: ['fullName'] }]);
  t.false(JSON.stringify(await wallet.consents()).includes('Nguyễn'), 'receipts carry no values');
  // The consent is used up: presenting again needs a new preview.
  t.is(codeOf(await t.throwsAsync(wallet.present(request, shown.consent))), 'CONSENT_MISMATCH');
});

test('no consent, a widened consent, a consent for another request: refused, nothing shared or recorded as shared', async (t) => {
  const wallet = await setup(t);
  const request = requestFor('CitizenIdentityCard', ['fullName']);
  t.is(codeOf(await t.throwsAsync(wallet.present(request, undefined as never))), 'CONSENT_REQUIRED');
  const shown = await wallet.preview(request);
  t.is(
    codeOf(
      await t.throwsAsync(wallet.present(request, { ...shown.consent, fields: [['fullName', 'placeOfResidence']] })),
    ),
    'CONSENT_WIDENED',
  );
  const other = requestFor('CitizenIdentityCard', ['dateOfBirth']);
  t.is(codeOf(await t.throwsAsync(wallet.present(other, shown.consent))), 'CONSENT_MISMATCH');
  t.is(codeOf(await t.throwsAsync(wallet.present(request, { ...shown.consent, fields: [[]] }))), 'CONSENT_REQUIRED');
  t.deepEqual(await wallet.consents(), []);
  t.deepEqual(await wallet.history(), []);
  const refusal = await wallet.refuse(shown.id);
  t.is(refusal.outcome, 'refused-by-citizen');
  t.is((await wallet.consents()).length, 1);
});

test('a registered verifier asking beyond its registration is refused (and recorded); an unregistered one is flagged', async (t) => {
  const wallet = await setup(t);
  const greedy = requestFor('CitizenIdentityCard', ['fullName', 'placeOfResidence']);
  const error = await t.throwsAsync(wallet.preview(greedy));
  t.is(codeOf(error), 'FIELDS_NOT_REGISTERED');
  t.deepEqual((error as { details?: unknown }).details, {
    fields: [{ type: 'CitizenIdentityCard', field: 'placeOfResidence' }],
  });
  t.is((await wallet.consents())[0]!.outcome, 'refused-by-wallet');
  const unknown = await wallet.preview(requestFor('CitizenIdentityCard', ['fullName'], { domain: 'la.example.com' }));
  t.deepEqual(unknown.verifier, { domain: 'la.example.com', registered: false });
  t.is(unknown.retention, undefined);
});
