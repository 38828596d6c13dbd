import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { endOfDayInVietnam } from '../src/lib/steps.js';
import { worldFor } from './helpers/world.js';

const card = fixtures.CitizenIdentityCard;
const validUntil = endOfDayInVietnam(card.dateOfExpiry);

async function form(url: string, body: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('OpenID4VCI: the citizen previews an offer in both languages, redeems it with the SMS code, and the card is stored to the holder', async (t) => {
  const world = await worldFor(t);
  const offer = await world.createOffer('police', 'CitizenIdentityCard', card, { validUntil });
  t.regex(offer.credentialOfferUri, /^openid-credential-offer:\/\/\?credential_offer_uri=/);
  t.regex(offer.txCode, /^\d{6}$/);
  t.true(offer.qr.svg.startsWith('<svg'));
  t.false(offer.credentialOfferUri.includes(offer.txCode), 'the code never travels with the QR');
  const preview = await world.wallet.previewOffer(offer.credentialOfferUri);
  t.is(preview.credentials[0]?.type, 'CitizenIdentityCard');
  t.is(preview.credentials[0]?.name.vi, 'Thẻ căn cước');
  t.truthy(preview.credentials[0]?.fields.length);
  t.is(preview.txCode?.length, 6);
  t.deepEqual(await world.wallet.list(), [], 'a preview stores nothing');
  const [added] = await world.wallet.acceptOffer(preview, { txCode: offer.txCode });
  t.true(added?.added);
  const stored = await world.wallet.get(added!.credential.id);
  t.is((stored!.credentialSubject as { id: string }).id, world.wallet.holderDid);
  t.is(stored!.issuer as string | { id: string } as string, world.did('police'));
});

test('OpenID4VCI: a wrong transaction code is TX_CODE_INVALID, a replayed pre-authorised code OFFER_ALREADY_USED, and nothing is stored', async (t) => {
  const world = await worldFor(t);
  const offer = await world.createOffer('police', 'CitizenIdentityCard', card, { validUntil });
  const preview = await world.wallet.previewOffer(offer.credentialOfferUri);
  const wrong = offer.txCode === '000000' ? '111111' : '000000';
  const refused = await t.throwsAsync(world.wallet.acceptOffer(preview, { txCode: wrong }));
  t.is((refused as { code?: string }).code, 'OID4VC_PROTOCOL_ERROR');
  t.deepEqual((refused as { details?: unknown }).details, { error: 'invalid_grant', code: 'TX_CODE_INVALID' });
  t.deepEqual(await world.wallet.list(), []);
  await world.wallet.acceptOffer(preview, { txCode: offer.txCode });
  const replay = await t.throwsAsync(world.wallet.acceptOffer(preview, { txCode: offer.txCode }));
  t.deepEqual((replay as { details?: unknown }).details, { error: 'invalid_grant', code: 'OFFER_ALREADY_USED' });
  t.is((await world.wallet.list()).length, 1);
  // The offer by reference is gone too.
  const again = await t.throwsAsync(world.wallet.previewOffer(offer.credentialOfferUri));
  t.is((again as { code?: string }).code, 'OID4VC_PROTOCOL_ERROR');
});

test('OpenID4VCI: an expired offer is OFFER_EXPIRED; five wrong codes block the offer', async (t) => {
  const world = await worldFor(t);
  const offer = await world.createOffer('police', 'CitizenIdentityCard', card, { validUntil });
  const preview = await world.wallet.previewOffer(offer.credentialOfferUri);
  const code = (preview.offer.grants as Record<string, Record<string, string>>)[
    'urn:ietf:params:oauth:grant-type:pre-authorized_code'
  ]!['pre-authorized_code']!;
  const token = `${world.serviceUrl}/oid4vci/token`;
  const grant = { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', 'pre-authorized_code': code };
  const wrong = offer.txCode === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    const r = await form(token, { ...grant, tx_code: wrong });
    t.is(r.status, 400);
    t.is(r.body.code, 'TX_CODE_INVALID');
  }
  const blocked = await form(token, { ...grant, tx_code: offer.txCode });
  t.is(blocked.body.code, 'OFFER_ALREADY_USED', 'a blocked offer is not redeemable even with the right code');

  const late = await world.createOffer('police', 'CitizenIdentityCard', card, { validUntil });
  const latePreview = await world.wallet.previewOffer(late.credentialOfferUri);
  world.clock.set(new Date(world.clock.now().getTime() + 11 * 60_000));
  const expired = await t.throwsAsync(world.wallet.acceptOffer(latePreview, { txCode: late.txCode }));
  t.deepEqual((expired as { details?: unknown }).details, { error: 'invalid_grant', code: 'OFFER_EXPIRED' });
  t.deepEqual(await world.wallet.list(), []);
});

test('OpenID4VCI: offers need a ministry API key and a document the ministry may issue', async (t) => {
  const world = await worldFor(t);
  const noKey = await fetch(`${world.serviceUrl}/oid4vci/offers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'CitizenIdentityCard', credentialSubject: card }),
  });
  t.is(noKey.status, 401);
  const wrongMinistry = await t.throwsAsync(
    world.createOffer('university', 'CitizenIdentityCard', card, { validUntil }),
  );
  t.is((wrongMinistry as { code?: string }).code, 'ISSUER_NOT_AUTHORIZED');
  const badSubject = await t.throwsAsync(
    world.createOffer('police', 'CitizenIdentityCard', { ...card, dateOfBirth: 'yesterday' }, { validUntil }),
  );
  t.is((badSubject as { code?: string }).code, 'SCHEMA_VALIDATION_ERROR');
  const metadata = (await (await fetch(`${world.serviceUrl}/.well-known/openid-credential-issuer`)).json()) as {
    credential_configurations_supported: Record<string, { format: string }>;
  };
  t.is(metadata.credential_configurations_supported.CitizenIdentityCard?.format, 'ldp_vc');
});

test('OpenID4VCI: the citizen receives the four documents from three authorities by OpenID4VCI, and the bank verifies the card from it', async (t) => {
  const world = await worldFor(t);
  const now = world.clock.now();
  const year = now.toISOString().slice(0, 4);
  const coverageTo = `${Number(year) + 1}-12-31`;
  const received = [
    await world.receiveByOid4vci('police', 'CitizenIdentityCard', card, { validUntil }),
    await world.receiveByOid4vci('police', 'DrivingLicence', fixtures.DrivingLicence, {
      validUntil: endOfDayInVietnam('2035-09-03'),
    }),
    await world.receiveByOid4vci(
      'socialSecurity',
      'HealthInsuranceCard',
      { ...fixtures.HealthInsuranceCard, coverageFrom: `${year}-01-01`, coverageTo },
      { validUntil: endOfDayInVietnam(coverageTo) },
    ),
    await world.receiveByOid4vci('university', 'UniversityDegree', fixtures.UniversityDegree, {
      validUntil: new Date(now.getTime() + 50 * 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    }),
  ];
  t.deepEqual((await world.wallet.list()).map((c) => c.type).sort(), [
    'CitizenIdentityCard',
    'DrivingLicence',
    'HealthInsuranceCard',
    'UniversityDegree',
  ]);
  for (const vc of received) t.is((vc.credentialSubject as { id: string }).id, world.wallet.holderDid);

  await world.syncStatus();
  const bank = world.verifier('nganhang-a.example.vn');
  const request = {
    query: [
      {
        type: 'QueryByExample' as const,
        credentialQuery: {
          example: { type: 'CitizenIdentityCard', credentialSubject: { fullName: '', dateOfBirth: '' } },
        },
      },
    ],
    challenge: bank.challenges.issue(),
    domain: bank.domain,
  };
  const { presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent);
  const report = await bank.verify(presentation, { challenge: request.challenge, request });
  t.true(report.verified, JSON.stringify(report.errors));
});
