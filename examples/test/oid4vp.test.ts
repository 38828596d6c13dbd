import { sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readQrImage } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { createOid4vpVerifier, type LoadedTrustBundle, verifyAccountabilityLog } from '@vneid/verifier';
import test from 'ava';
import express from 'express';
import { PNG } from 'pngjs';
import { postResponse, requestObjectOf } from '../src/lib/oid4vp-steps.js';
import { ONLINE_RELYING_PARTIES } from '../src/lib/online-relying-parties.js';
import { endOfDayInVietnam } from '../src/lib/steps.js';
import type { World } from '../src/lib/world.js';
import { run as runBank } from '../src/scenarios/online-bank-kyc.js';
import { fillApplication, run as runAgency } from '../src/scenarios/online-public-service.js';
import { run as runSocial } from '../src/scenarios/online-social-network.js';
import { credentialsOf, outcomes, worldFor } from './helpers/world.js';

const BANK = ONLINE_RELYING_PARTIES.bank.id;
const KYC = ['fullName', 'personalIdentificationNumber', 'dateOfBirth', 'placeOfResidence'];

async function serve(t: { teardown(fn: () => unknown): void }, app: http.RequestListener): Promise<string> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

async function withIdentityCard(world: World): Promise<void> {
  await world.issueToWallet('police', 'CitizenIdentityCard', fixtures.CitizenIdentityCard, {
    validUntil: endOfDayInVietnam(fixtures.CitizenIdentityCard.dateOfExpiry),
  });
  await world.syncStatus();
}

/** A presentation the wallet makes for a QueryByExample request (with consent): to forge answers with. */
async function presentationFor(world: World, fields: string[], challenge: string, domain: string) {
  const request = {
    query: [
      {
        type: 'QueryByExample' as const,
        credentialQuery: {
          example: { type: 'CitizenIdentityCard', credentialSubject: Object.fromEntries(fields.map((f) => [f, ''])) },
        },
      },
    ],
    challenge,
    domain,
  };
  return (await world.wallet.present(request, (await world.wallet.preview(request)).consent)).presentation;
}

test('OID4VP: the bank, the social network and the portal verify over HTTP on 127.0.0.1; every disclosure has a consent receipt', async (t) => {
  const world = await worldFor(t);
  t.deepEqual(outcomes(await runBank(world)), ['info', 'ok', 'refused:AUTHORIZATION_REQUEST_USED']);
  const social = await runSocial(world);
  t.deepEqual(outcomes(social), ['info', 'ok', 'refused:FIELDS_NOT_REGISTERED']);
  const agency = await runAgency(world);
  t.deepEqual(outcomes(agency), ['info', 'ok', 'refused:PRESENTATION_REFUSED']);

  // The social network sees "over 16" and the name, nothing else.
  const subjects = credentialsOf(social[1]!).map((vc) => Object.keys(vc.credentialSubject as object).sort());
  t.deepEqual(subjects, [
    ['ageOver16', 'id'],
    ['fullName', 'id'],
  ]);
  // The portal's application is filled from the verified claims: what the state issued.
  t.deepEqual(fillApplication(agency[1]!.report!), {
    fullName: fixtures.CitizenIdentityCard.fullName,
    personalIdentificationNumber: fixtures.CitizenIdentityCard.personalIdentificationNumber,
    dateOfBirth: fixtures.CitizenIdentityCard.dateOfBirth,
    sex: fixtures.CitizenIdentityCard.sex,
    placeOfResidence: fixtures.CitizenIdentityCard.placeOfResidence,
    socialInsuranceNumber: fixtures.HealthInsuranceCard.socialInsuranceNumber,
  });

  // The citizen's receipts, newest first: three disclosures and one refusal, field names only.
  const receipts = await world.wallet.consents();
  t.deepEqual(
    receipts.map((r) => `${r.outcome}@${r.verifier.domain}`),
    [
      `refused-by-citizen@${ONLINE_RELYING_PARTIES.agency.id}`,
      `shared@${ONLINE_RELYING_PARTIES.agency.id}`,
      `shared@${ONLINE_RELYING_PARTIES.social.id}`,
      `shared@${BANK}`,
    ],
  );
  t.true(receipts.every((r) => r.verifier.registered));
  t.false(JSON.stringify(receipts).includes(fixtures.CitizenIdentityCard.fullName));

  // Nothing shared without a receipt: every presentation a verifier accepted matches a "shared" receipt
  // (same relying party, same documents and fields), one to one.
  const shared = receipts.filter((r) => r.outcome === 'shared');
  const accepted: string[] = [];
  for (const party of ['bank', 'social', 'agency'] as const) {
    const { log } = await world.onlineVerifier(party);
    verifyAccountabilityLog(log.entries());
    for (const e of log.entries().filter((x) => x.result === 'verified')) {
      accepted.push(`${e.verifier} ${JSON.stringify(e.asked)}`);
    }
  }
  t.deepEqual(accepted.sort(), shared.map((r) => `${r.verifier.domain} ${JSON.stringify(r.credentials)}`).sort());
});

test('OID4VP: the QR code carries the request link; replayed, expired and foreign answers are refused with their codes, nothing kept', async (t) => {
  const world = await worldFor(t);
  await withIdentityCard(world);
  const { verifier } = await world.onlineVerifier('bank');
  const ask = () => verifier.createRequest({ queries: [{ type: 'CitizenIdentityCard', fields: KYC, reason: 'eKYC' }] });

  // Cross-device: the QR code holds exactly the same-device link.
  const created = await ask();
  const png = PNG.sync.read(Buffer.from(created.qrDataUrl.split(',')[1]!, 'base64'));
  t.is(
    Buffer.from(readQrImage({ data: png.data, width: png.width, height: png.height })!).toString('utf8'),
    created.link,
  );
  t.true(created.link.startsWith(`openid4vp://?client_id=${BANK}&request_uri=`));
  const object = await requestObjectOf(created.requestUri);
  t.like(object, { client_id: BANK, response_mode: 'direct_post', response_type: 'vp_token' });
  t.deepEqual((object.dcql_query as { credentials: Array<{ format: string }> }).credentials[0]!.format, 'ldp_vc');

  // Expired before the wallet reads it, and expired between reading and answering.
  world.clock.set(new Date(Date.now() + 301_000));
  t.is(await codeOf(world.wallet.previewAuthorizationRequest(created.link)), 'AUTHORIZATION_REQUEST_EXPIRED');
  world.clock.reset();
  const late = await ask();
  const shown = await world.wallet.previewAuthorizationRequest(late.link);
  world.clock.set(new Date(Date.now() + 301_000));
  const lateAnswer = await world.wallet.respondAuthorizationRequest(shown.id, shown.consent);
  t.like(lateAnswer.verifier, { accepted: false, code: 'AUTHORIZATION_REQUEST_EXPIRED' });
  t.deepEqual(await verifier.outcome(late.id), { status: 'expired', codes: [] });
  world.clock.reset();

  // Wrong audience: a presentation made for another relying party (right nonce) is CLIENT_ID_MISMATCH.
  const forAudience = await ask();
  const o1 = await requestObjectOf(forAudience.requestUri);
  const foreign = await presentationFor(world, ['fullName'], String(o1.nonce), ONLINE_RELYING_PARTIES.social.id);
  const wrongAudience = await postResponse(String(o1.response_uri), {
    vp_token: JSON.stringify({ q0: [foreign] }),
    state: String(o1.state),
  });
  t.is(wrongAudience.code, 'CLIENT_ID_MISMATCH');
  t.true(wrongAudience.codes!.includes('DOMAIN_MISMATCH'));
  const refused = await verifier.outcome(forAudience.id);
  t.is(refused.status, 'refused');
  t.is(refused.report, undefined, 'nothing of a refused answer is kept');

  // Nonce mismatch: made for this bank, but for another nonce.
  const forNonce = await ask();
  const o2 = await requestObjectOf(forNonce.requestUri);
  const stale = await presentationFor(world, KYC, 'a-nonce-from-another-request', BANK);
  const wrongNonce = await postResponse(String(o2.response_uri), {
    vp_token: JSON.stringify({ q0: [stale] }),
    state: String(o2.state),
  });
  t.is(wrongNonce.code, 'CHALLENGE_MISMATCH');

  // Hostile bodies leave the request open for its wallet: wrong state, repeated members, garbage, too large.
  const open = await ask();
  const o3 = await requestObjectOf(open.requestUri);
  const uri = String(o3.response_uri);
  t.is((await postResponse(uri, { vp_token: '{}', state: 'not-the-state' })).code, 'AUTHORIZATION_RESPONSE_INVALID');
  const repeated = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `state=${o3.state}&state=${o3.state}&vp_token=%7B%7D`,
  });
  t.is(((await repeated.json()) as { code: string }).code, 'AUTHORIZATION_RESPONSE_INVALID');
  t.is((await postResponse(uri, { vp_token: '[[[', state: String(o3.state) })).code, 'UNSAFE_JSON');
  t.is(
    (await postResponse(uri, { vp_token: JSON.stringify({ q9: [{}] }), state: String(o3.state) })).code,
    'AUTHORIZATION_RESPONSE_INVALID',
  );
  const huge = await postResponse(uri, { vp_token: 'x'.repeat(600_000), state: String(o3.state) });
  t.is(huge.code, 'INPUT_LIMIT_EXCEEDED');
  t.deepEqual(await verifier.outcome(open.id), { status: 'pending', codes: [] });
  const unknown = await postResponse(uri.replace(/[^/]+$/, 'no-such-request'), { state: 'x', error: 'access_denied' });
  t.is(unknown.code, 'AUTHORIZATION_REQUEST_UNKNOWN');
  // …and the real wallet still answers it.
  const shownOpen = await world.wallet.previewAuthorizationRequest(open.link);
  const answered = await world.wallet.respondAuthorizationRequest(shownOpen.id, shownOpen.consent);
  t.deepEqual(answered.verifier, { accepted: true, status: 200 });
  t.is((await verifier.outcome(open.id)).status, 'verified');
});

test('OID4VP: the wallet refuses unregistered fields, foreign keys, other origins and malformed or oversized requests', async (t) => {
  const world = await worldFor(t);
  await withIdentityCard(world);
  const { verifier } = await world.onlineVerifier('bank');
  const ok = await verifier.createRequest({ queries: [{ type: 'CitizenIdentityCard', fields: KYC, reason: 'eKYC' }] });
  const wallet = world.wallet;
  const receiptsBefore = (await wallet.consents()).length;

  // The verifier library refuses to ask beyond the registration…
  t.is(
    await codeOf(verifier.createRequest({ queries: [{ type: 'CitizenIdentityCard', fields: ['sex'], reason: 'x' }] })),
    'FIELDS_NOT_REGISTERED',
  );
  // …and a request made beyond it anyway (a verifier with a doctored bundle, the bank's real key) is refused
  // by the wallet, which records the refusal.
  const widened = {
    ...world.trust,
    bundle: {
      ...world.trust.bundle,
      relyingParties: world.trust.bundle.relyingParties!.map((rp) =>
        rp.id === BANK ? { ...rp, credentials: [{ type: 'CitizenIdentityCard', fields: [...KYC, 'sex'] }] } : rp,
      ),
    },
  } as LoadedTrustBundle;
  const app = express();
  const rogueBase = await serve(t, app);
  const rogue = createOid4vpVerifier({
    clientId: BANK,
    baseUrl: `${rogueBase}/oid4vp`,
    signingKey: world.requestKeys.bank,
    bundle: widened,
    statusCache: world.statusCache,
  });
  app.use('/oid4vp', rogue.router);
  const greedy = await rogue.createRequest({
    queries: [{ type: 'CitizenIdentityCard', fields: [...KYC, 'sex'], reason: 'eKYC' }],
  });
  t.is(await codeOf(wallet.previewAuthorizationRequest(greedy.link)), 'FIELDS_NOT_REGISTERED');
  const [last] = await wallet.consents();
  t.like(last, { outcome: 'refused-by-wallet', verifier: { domain: BANK, registered: true } });

  // The bank's request object under the social network's client id: not signed by a key registered for it.
  const swapped = ok.link.replace(`client_id=${BANK}`, `client_id=${ONLINE_RELYING_PARTIES.social.id}`);
  t.is(await codeOf(wallet.previewAuthorizationRequest(swapped)), 'CLIENT_ID_MISMATCH');

  // A server that serves junk, a huge body, a tampered or relayed request object.
  const jwt = await (await fetch(ok.requestUri)).text();
  const [h, p, s] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, response_uri: 'http://127.0.0.1:9/steal' })).toString('base64url')}.${s}`;
  // Signed with the bank's real key, but naming a metadata URI the library would fetch by itself.
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const key = world.requestKeys.bank;
  const signedWith = (extra: Record<string, unknown>) => {
    const input = `${b64({ alg: 'ES256', typ: 'oauth-authz-req+jwt', jwk: key.publicJwk })}.${b64({ ...payload, ...extra })}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const junk = await serve(t, (req, res) => {
    if (req.url === '/huge') res.end('a'.repeat(100_000));
    else if (req.url === '/metadata-uri') res.end(signedWith({ client_metadata_uri: 'http://127.0.0.1:9/metadata' }));
    else if (req.url === '/resigned') res.end(signedWith({ response_uri: `${junk}/responses/x` }));
    else if (req.url === '/tampered') res.end(tampered);
    else if (req.url === '/relayed') res.end(jwt);
    else res.end('not a request object');
  });
  const linkTo = (path: string, clientId: string = BANK) =>
    `openid4vp://?client_id=${clientId}&request_uri=${encodeURIComponent(`${junk}${path}`)}`;
  t.is(await codeOf(wallet.previewAuthorizationRequest(linkTo('/junk'))), 'AUTHORIZATION_REQUEST_INVALID');
  t.is(await codeOf(wallet.previewAuthorizationRequest(linkTo('/huge'))), 'INPUT_LIMIT_EXCEEDED');
  t.is(await codeOf(wallet.previewAuthorizationRequest(linkTo('/tampered'))), 'AUTHORIZATION_REQUEST_INVALID');
  // (The same signing with nothing wrong is accepted: the refusal above is for the URI.)
  const resigned = await wallet.previewAuthorizationRequest(linkTo('/resigned'));
  t.is(resigned.verifier.domain, BANK);
  await wallet.refuse(resigned.id);
  t.is(await codeOf(wallet.previewAuthorizationRequest(linkTo('/metadata-uri'))), 'AUTHORIZATION_REQUEST_INVALID');
  // Genuine and signed, but fetched from another origin than its response_uri: a relay.
  t.is(await codeOf(wallet.previewAuthorizationRequest(linkTo('/relayed'))), 'AUTHORIZATION_REQUEST_INVALID');
  t.is(
    await codeOf(wallet.previewAuthorizationRequest(linkTo('/junk', 'unknown.example.vn'))),
    'RELYING_PARTY_NOT_REGISTERED',
  );
  t.is(
    await codeOf(
      wallet.previewAuthorizationRequest(`openid4vp://?client_id=${BANK}&request_uri=http%3A%2F%2Fexample.com%2Fr`),
    ),
    'AUTHORIZATION_REQUEST_INVALID',
  );
  t.is(await codeOf(wallet.previewAuthorizationRequest(`${ok.link}&x=${'a'.repeat(9000)}`)), 'INPUT_LIMIT_EXCEEDED');
  t.is(await codeOf(wallet.previewAuthorizationRequest('openid4vp://?nothing=here')), 'AUTHORIZATION_REQUEST_INVALID');
  t.is(await codeOf(wallet.previewAuthorizationRequest(42 as never)), 'AUTHORIZATION_REQUEST_INVALID');

  // None of these shared anything: the only new receipts are the two refusals.
  const after = await wallet.consents();
  t.is(after.length, receiptsBefore + 2);
  t.false(after.some((r) => r.outcome === 'shared'));
  // The genuine request still works afterwards.
  const shown = await wallet.previewAuthorizationRequest(ok.link);
  t.like(shown, { verifier: { domain: BANK, registered: true }, purpose: ['eKYC'] });
  t.true((await wallet.respondAuthorizationRequest(shown.id, shown.consent)).verifier.accepted);
});
