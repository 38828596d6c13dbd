// The page as an OpenID4VP verifier, in a real browser (Debian's chromium
// through playwright-core): it makes its request key, the trust bundle
// registers it, the page shows the request QR, a wallet built with
// wallet-core scans it (from a screenshot) and answers through the relay of
// the issuer service on 127.0.0.1, and the page verifies the answer itself.
// Forged answers (another nonce, another client id, a replay) are posted to
// the relay as anyone could, and the page shows their codes.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOfflineDidResolver, type JsonObject, type RelyingPartyRegistration } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { openWallet, type Wallet } from '@vneid/wallet-core';
import test from 'ava';
import jsQRModule from 'jsqr';

// jsqr is CommonJS with `export default` in its types: the callable is the module or its default.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from '../scripts/build.mjs';
import { createPageWorld, type PageWorld, readPng } from './helpers/world.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLIENT_ID = 'kiemtra.example.vn';
const FIELDS = ['fullName', 'dateOfBirth', 'personalIdentificationNumber'];

let browser: Browser;
let page: Page;
let world: PageWorld;
let wallet: Wallet;
let registration: RelyingPartyRegistration;

async function ready(p: Page): Promise<void> {
  await p.waitForSelector('body[data-state="ready"]', { state: 'attached', timeout: 30_000 });
}

/** The officer asks for FIELDS of the identity card over OpenID4VP; the page shows the QR. */
async function startRequest(p: Page): Promise<string> {
  await p.selectOption('#request-type', 'CitizenIdentityCard');
  for (const box of await p.$$('#request-fields input[type="checkbox"]')) {
    await box.setChecked(FIELDS.includes((await box.getAttribute('value')) ?? ''));
  }
  await p.click('#oid4vp-start');
  await p.waitForSelector('body[data-oid4vp="waiting"], #oid4vp-state[data-state="error"]', {
    state: 'attached',
    timeout: 15_000,
  });
  if ((await p.getAttribute('body', 'data-oid4vp')) !== 'waiting') {
    throw new Error(`no request: ${await p.textContent('#oid4vp-state')}`);
  }
  return (await p.getAttribute('#oid4vp-qr', 'data-link')) ?? '';
}

/** What the wallet's camera reads: the QR decoded from a screenshot of the canvas (jsQR, RGBA). */
async function scanQr(p: Page): Promise<string> {
  const image = readPng(await (await p.$('#oid4vp-qr'))!.screenshot());
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error('no QR code in the screenshot');
  return code.data;
}

/** The request object the relay serves to wallets (its payload, unverified: the test only reads nonce and state). */
async function requestObject(link: string): Promise<JsonObject> {
  const uri = new URL(link).searchParams.get('request_uri')!;
  const jwt = await (await fetch(uri)).text();
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as JsonObject;
}

/** A presentation the wallet signs for `challenge` and `domain` (with consent): to forge answers with. */
async function presentation(challenge: string, domain: string): Promise<JsonObject> {
  const request = {
    query: [
      {
        type: 'QueryByExample' as const,
        credentialQuery: {
          example: { type: 'CitizenIdentityCard', credentialSubject: Object.fromEntries(FIELDS.map((f) => [f, ''])) },
        },
      },
    ],
    challenge,
    domain,
  };
  return (await wallet.present(request, (await wallet.preview(request)).consent)).presentation;
}

/** Posts a direct_post answer to the relay as anyone could: its HTTP status and problem code. */
async function post(uri: string, body: string, type = 'application/x-www-form-urlencoded') {
  const response = await fetch(uri, { method: 'POST', headers: { 'content-type': type }, body });
  const json = (await response.json().catch(() => ({}))) as { code?: string };
  return { status: response.status, code: json.code };
}

function answer(object: JsonObject, vp: JsonObject, state = String(object.state)): string {
  const queryId = (object.dcql_query as { credentials: Array<{ id: string }> }).credentials[0]!.id;
  return new URLSearchParams({ vp_token: JSON.stringify({ [queryId]: [vp] }), state }).toString();
}

/** Waits for the verdict screen, keeps a screenshot, goes back: verdict, codes (lead code first), text. */
async function verdict(p: Page, shot: string) {
  await p.waitForSelector('body[data-state="result"]', { state: 'attached', timeout: 30_000 });
  const result = {
    verdict: await p.getAttribute('#verdict', 'data-verdict'),
    // No #codes element on a clean VALID: read what is there, without waiting for one.
    codes: (await (await p.$('#codes'))?.textContent()) ?? '',
    text: (await p.textContent('#result')) ?? '',
    fields: await p.$$eval('#result tr[data-field]', (rows) => rows.map((r) => r.getAttribute('data-field'))),
  };
  await p.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await p.click('#back');
  await ready(p);
  return result;
}

test.before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // Its own build folder: the other page tests build at the same time. The world copies it.
  const buildDir = await mkdtemp(join(tmpdir(), 'vneid-web-build-'));
  const { outdir } = await build({ outdir: join(buildDir, 'page') });
  world = await createPageWorld(outdir, { config: { oid4vp: { clientId: CLIENT_ID } } });
  await rm(buildDir, { recursive: true, force: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 720, height: 1100 } });
  page = await context.newPage();
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  await page.goto(`${world.url}/verify/`);
  await ready(page);
  // The page made its request key at its first start; the trust authority registers its thumbprint.
  const thumbprint = (await page.textContent('#oid4vp-key')) ?? '';
  registration = {
    id: CLIENT_ID,
    name: { vi: 'Quầy kiểm tra', en: 'Check desk' },
    registration: 'BCA-2026-0815',
    retention: 'P0D',
    credentials: [{ type: 'CitizenIdentityCard', fields: FIELDS }],
    requestKeys: [thumbprint],
  };
  await world.publishBundle(2, [registration]);
  await page.click('#refresh');
  await ready(page);
  wallet = await openWallet({
    path: join(world.dir, 'oid4vp-wallet'),
    passphrase: 'cụm mật khẩu dài của công dân',
    resolver: createOfflineDidResolver({ documents: [world.issuer.didDocument('bo-cong-an')] }),
    relyingParties: [registration],
  });
  await wallet.add(
    await world.issuer.issue({
      ministry: 'bo-cong-an',
      type: 'CitizenIdentityCard',
      subject: fixtures.CitizenIdentityCard,
      holder: wallet.holderDid,
      validUntil: '2038-05-19T17:00:00Z',
    }),
  );
});

test.after.always(async () => {
  await browser?.close();
  await wallet?.close();
  await world?.close();
});

test.serial(
  'the page shows its request key, and a request for fields it is not registered for is refused',
  async (t) => {
    t.regex((await page.textContent('#oid4vp-key')) ?? '', /^[A-Za-z0-9_-]{43}$/);
    t.is(await page.textContent('#oid4vp-client'), CLIENT_ID);
    await page.selectOption('#request-type', 'CitizenIdentityCard');
    for (const box of await page.$$('#request-fields input[type="checkbox"]')) {
      await box.setChecked(['fullName', 'placeOfResidence'].includes((await box.getAttribute('value')) ?? ''));
    }
    await page.click('#oid4vp-start');
    await page.waitForSelector('#oid4vp-state[data-state="error"]', { state: 'attached' });
    t.regex((await page.textContent('#oid4vp-state')) ?? '', /^FIELDS_NOT_REGISTERED/);
    t.true(await page.$eval('#oid4vp-qr', (e) => (e as unknown as { hidden: boolean }).hidden));
  },
);

test.serial(
  'the wallet scans the request QR, answers through the relay, and the page shows VALID with the fields',
  async (t) => {
    const link = await startRequest(page);
    t.true(link.startsWith(`openid4vp://?client_id=${CLIENT_ID}&request_uri=`));
    t.is(await page.getAttribute('#oid4vp-link', 'href'), link, 'the same-device link is the QR link');
    await page.screenshot({ path: join(ARTIFACTS, 'oid4vp-request.png'), fullPage: true });
    const scanned = await scanQr(page);
    t.is(scanned, link);
    const object = await requestObject(scanned);
    t.like(object, { client_id: CLIENT_ID, response_mode: 'direct_post', response_type: 'vp_token' });

    const shown = await wallet.previewAuthorizationRequest(scanned);
    t.true(shown.verifier.registered);
    const { verifier, presentation: vp } = await wallet.respondAuthorizationRequest(shown.id, shown.consent);
    t.true(verifier.accepted, 'the relay received the answer');
    const seen = await verdict(page, 'oid4vp-valid');
    t.is(seen.verdict, 'valid');
    t.is(seen.codes, '');
    t.deepEqual([...seen.fields].sort(), [...FIELDS].sort());
    t.true(seen.text.includes(fixtures.CitizenIdentityCard.fullName));
    t.true(seen.text.includes(fixtures.CitizenIdentityCard.personalIdentificationNumber));

    // The relay forgot the session once the page read the answer: a replay of the answer is an unknown request.
    const again = await post(String(object.response_uri), answer(object, vp));
    t.deepEqual(again, { status: 404, code: 'AUTHORIZATION_REQUEST_UNKNOWN' });
    t.is((await fetch(new URL(scanned).searchParams.get('request_uri')!)).status, 404);
    // Replayed to a new request of the page: bound to the old nonce, refused on the page.
    const link2 = await startRequest(page);
    const object2 = await requestObject(link2);
    t.is((await post(String(object2.response_uri), answer(object2, vp))).status, 200);
    const replay = await verdict(page, 'oid4vp-replayed');
    t.is(replay.verdict, 'invalid');
    t.regex(replay.codes, /^CHALLENGE_MISMATCH/);
  },
);

test.serial('the citizen declines in the wallet: the page stops waiting and shows PRESENTATION_REFUSED', async (t) => {
  await startRequest(page);
  const shown = await wallet.previewAuthorizationRequest(await scanQr(page));
  const { receipt, verifier } = await wallet.declineAuthorizationRequest(shown.id);
  t.is(receipt.outcome, 'refused-by-citizen');
  t.true(verifier.accepted, 'the relay received the refusal');
  const seen = await verdict(page, 'oid4vp-declined');
  t.is(seen.verdict, 'invalid');
  t.is(seen.codes, 'PRESENTATION_REFUSED');
});

test.serial('an answer with another nonce is refused on the page with CHALLENGE_MISMATCH', async (t) => {
  const object = await requestObject(await startRequest(page));
  const vp = await presentation('another-nonce-0123456789abcdef', CLIENT_ID);
  t.is((await post(String(object.response_uri), answer(object, vp))).status, 200);
  const seen = await verdict(page, 'oid4vp-wrong-nonce');
  t.is(seen.verdict, 'invalid');
  t.regex(seen.codes, /^CHALLENGE_MISMATCH/);
  t.false(seen.text.includes(fixtures.CitizenIdentityCard.fullName), 'no claim of a refused answer is shown');
});

test.serial('an answer made for another client id is refused on the page with CLIENT_ID_MISMATCH', async (t) => {
  const object = await requestObject(await startRequest(page));
  const vp = await presentation(String(object.nonce), 'other-verifier.example.vn');
  t.is((await post(String(object.response_uri), answer(object, vp))).status, 200);
  const seen = await verdict(page, 'oid4vp-other-client');
  t.is(seen.verdict, 'invalid');
  t.regex(seen.codes, /^CLIENT_ID_MISMATCH · .*DOMAIN_MISMATCH/);
});

test.serial('an answer for another state is refused on the page before any verification', async (t) => {
  const object = await requestObject(await startRequest(page));
  const vp = await presentation(String(object.nonce), CLIENT_ID);
  t.is((await post(String(object.response_uri), answer(object, vp, 'not-the-state'))).status, 200);
  const seen = await verdict(page, 'oid4vp-wrong-state');
  t.is(seen.verdict, 'invalid');
  t.is(seen.codes, 'AUTHORIZATION_RESPONSE_INVALID');
});

test.serial(
  'the relay: unknown sessions, oversized, repeated or malformed bodies and wrong read tokens are 4xx with codes',
  async (t) => {
    const relay = `${world.url}/verify/oid4vp`;
    const unknownId = 'A'.repeat(32);
    t.deepEqual(await post(`${relay}/responses/${unknownId}`, 'state=x'), {
      status: 404,
      code: 'AUTHORIZATION_REQUEST_UNKNOWN',
    });
    t.deepEqual(await post(`${relay}/responses/not-an-id`, 'state=x'), {
      status: 404,
      code: 'AUTHORIZATION_REQUEST_UNKNOWN',
    });
    t.is((await fetch(`${relay}/requests/${unknownId}`)).status, 404);

    const link = await startRequest(page);
    const object = await requestObject(link);
    const responseUri = String(object.response_uri);
    const huge = `vp_token=${'a'.repeat(600 * 1024)}&state=${object.state}`;
    t.deepEqual(await post(responseUri, huge), { status: 413, code: 'INPUT_LIMIT_EXCEEDED' });
    t.deepEqual(await post(responseUri, '{"vp_token":1}', 'application/json'), {
      status: 400,
      code: 'AUTHORIZATION_RESPONSE_INVALID',
    });
    // The page's own session endpoints need its read token: without it the session looks unknown.
    const id = responseUri.split('/').pop()!;
    const stolen = await fetch(`${relay}/sessions/${id}/response`, {
      headers: { authorization: `Bearer ${'B'.repeat(43)}` },
    });
    t.is(stolen.status, 404);
    t.is(((await stolen.json()) as { code: string }).code, 'AUTHORIZATION_REQUEST_UNKNOWN');
    const put = await fetch(`${relay}/sessions/${id}/request`, { method: 'PUT', body: 'x.y.z' });
    t.is(put.status, 404);

    // The first answer is kept, a second one is USED; the page then shows the first one's verdict.
    const vp = await presentation(String(object.nonce), CLIENT_ID);
    t.is((await post(responseUri, answer(object, vp, 'first-answer'))).status, 200);
    t.deepEqual(await post(responseUri, answer(object, vp)), { status: 409, code: 'AUTHORIZATION_REQUEST_USED' });
    t.is((await verdict(page, 'oid4vp-relay-first')).codes, 'AUTHORIZATION_RESPONSE_INVALID');
  },
);
