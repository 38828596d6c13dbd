// The web verifier in a real browser (Debian's chromium through
// playwright-core): the page is loaded once from the issuer service on
// 127.0.0.1, the network is cut, the page is reloaded (the service worker
// serves it, IndexedDB holds the trust data) and each verdict is read from
// the page. A screenshot of each verdict is kept in test-artifacts/.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from '../scripts/build.mjs';
import { createPageWorld, type PageWorld } from './helpers/world.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DAY = 86_400_000;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let world: PageWorld;
let licenceId: string;

async function ready(p: Page): Promise<void> {
  await p.waitForSelector('body[data-state="ready"]', { state: 'attached', timeout: 30_000 });
}

/** The officer picks what the request QR asks for (the page verifies the answer against it). */
async function ask(p: Page, type: string, fields: string[]): Promise<{ challenge: string; domain: string }> {
  await p.selectOption('#request-type', type);
  for (const box of await p.$$('#request-fields input[type="checkbox"]')) {
    await box.setChecked(fields.includes((await box.getAttribute('value')) ?? ''));
  }
  return challengeOf(p);
}

async function challengeOf(p: Page): Promise<{ challenge: string; domain: string }> {
  return {
    challenge: (await p.textContent('#challenge')) ?? '',
    domain: (await p.textContent('#domain')) ?? '',
  };
}

/** Uploads a QR image, waits for the result screen and returns its verdict and codes. */
async function verifyQr(p: Page, file: string, shot: string) {
  await p.setInputFiles('#qr-file', file);
  await p.waitForSelector('body[data-state="result"]', { state: 'attached', timeout: 30_000 });
  const verdict = await p.getAttribute('#verdict', 'data-verdict');
  const codes = (await (await p.$('#codes'))?.textContent()) ?? '';
  const checks = await p.$$eval('#checks li', (items) =>
    items.map((li) => `${li.getAttribute('data-check')}=${li.getAttribute('data-result')}`),
  );
  const text = (await p.textContent('#result')) ?? '';
  await p.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await p.click('#back');
  await ready(p);
  return { verdict, codes, checks, text };
}

test.before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const { outdir } = await build();
  world = await createPageWorld(outdir);
  const holder = world.wallet.holderDid;
  const card = await world.issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: fixtures.CitizenIdentityCard,
    holder,
    validUntil: '2038-05-19T17:00:00Z',
  });
  await world.wallet.add(card);
  const licence = await world.issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: fixtures.DrivingLicence,
    holder,
    validUntil: '2035-09-03T17:00:00Z',
  });
  await world.wallet.add(licence);
  licenceId = String(licence.id);
  // Revoked before the page's first (online) load: the page learns it from the status list it syncs.
  await world.issuer.revoke(licenceId, 'thu hồi do vi phạm');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 720, height: 1000 }, serviceWorkers: 'allow' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.log('[page error]', e.message));
  await page.goto(`${world.url}/verify/`);
  await ready(page);
  await page.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
  // Offline from here on: the reload is served by the service worker.
  await context.setOffline(true);
  await page.reload();
  await ready(page);
});

test.after.always(async () => {
  await browser?.close();
  await world?.close();
});

test.serial('the page reloads offline from its service worker and shows the age of its data', async (t) => {
  t.true(await page.evaluate<boolean>('navigator.serviceWorker.controller !== null'));
  t.true(await page.evaluate<boolean>('navigator.onLine === false'));
  t.regex((await page.textContent('#refresh-state')) ?? '', /offline/);
  t.regex((await page.textContent('#bundle-age')) ?? '', /^Gói tin cậy \/ Trust bundle: v1, \d+ s/);
  t.regex((await page.textContent('#status-age')) ?? '', /\d+ s$/);
  t.is(await page.getAttribute('#data-age', 'data-stale'), 'false');
});

test.serial('a genuine presentation from a QR image is VALID, with its fields and face image', async (t) => {
  const { challenge, domain } = await ask(page, 'CitizenIdentityCard', ['fullName', 'dateOfBirth', 'faceImage']);
  const vp = await world.present('CitizenIdentityCard', ['fullName', 'dateOfBirth', 'faceImage'], challenge, domain);
  await page.setInputFiles('#qr-file', await world.qrFile(vp, 'genuine'));
  await page.waitForSelector('body[data-state="result"]', { state: 'attached' });
  t.is(await page.getAttribute('#verdict', 'data-verdict'), 'valid');
  t.regex((await page.textContent('#verdict')) ?? '', /HỢP LỆ\s*VALID/);
  t.is(await page.textContent('tr[data-field="fullName"] td'), fixtures.CitizenIdentityCard.fullName);
  t.regex((await page.textContent('tr[data-field="fullName"] th')) ?? '', /Họ, chữ đệm và tên/);
  t.is(await page.getAttribute('#face', 'src'), fixtures.CitizenIdentityCard.faceImage ?? null);
  t.is(await page.$$eval('#checks li[data-result="invalid"]', (l) => l.length), 0);
  await page.screenshot({ path: join(ARTIFACTS, 'genuine.png'), fullPage: true });
  await page.click('#back');
  await ready(page);
});

test.serial(
  'a tampered presentation (a disclosed name changed) is NOT VALID with PROOF_VERIFICATION_ERROR',
  async (t) => {
    const { challenge, domain } = await ask(page, 'CitizenIdentityCard', ['fullName']);
    const vp = await world.present('CitizenIdentityCard', ['fullName'], challenge, domain);
    const credential = (vp.verifiableCredential as Array<{ credentialSubject: Record<string, unknown> }>)[0]!;
    credential.credentialSubject.fullName = 'Nguyễn Văn Giả';
    const r = await verifyQr(page, await world.qrFile(vp, 'tampered'), 'tampered');
    t.is(r.verdict, 'invalid');
    t.regex(r.codes, /PROOF_VERIFICATION_ERROR/);
    t.true(r.checks.includes('credential[0]:proof=invalid'));
  },
);

test.serial(
  'a revoked licence is NOT VALID with CREDENTIAL_REVOKED, read from the status list held offline',
  async (t) => {
    const { challenge, domain } = await ask(page, 'DrivingLicence', ['fullName', 'licenceClasses']);
    const vp = await world.present('DrivingLicence', ['fullName', 'licenceClasses'], challenge, domain);
    const r = await verifyQr(page, await world.qrFile(vp, 'revoked'), 'revoked');
    t.is(r.verdict, 'invalid');
    t.regex(r.codes, /CREDENTIAL_REVOKED/);
    t.true(r.checks.includes('credential[0]:revocation=invalid'));
    t.true(r.checks.includes('credential[0]:proof=valid'));
  },
);

test.serial(
  'a presentation answering an old challenge is NOT VALID (the page issues a new one each time)',
  async (t) => {
    const { challenge, domain } = await ask(page, 'CitizenIdentityCard', ['fullName']);
    const vp = await world.present('CitizenIdentityCard', ['fullName'], challenge, domain);
    const file = await world.qrFile(vp, 'replayed');
    t.is((await verifyQr(page, file, 'first-use')).verdict, 'valid');
    const r = await verifyQr(page, file, 'replayed');
    t.is(r.verdict, 'invalid');
    t.regex(r.codes, /CHALLENGE_MISMATCH/);
  },
);

test.serial('a QR image without a QR code and pasted garbage are refused with a code', async (t) => {
  await page.fill('#pasted', '{"@context": [], "__proto__": {"x": 1}}');
  await page.click('#verify-pasted');
  await page.waitForSelector('body[data-state="result"]', { state: 'attached' });
  t.is(await page.getAttribute('#verdict', 'data-verdict'), 'invalid');
  t.regex((await page.textContent('#codes')) ?? '', /UNSAFE_JSON/);
  await page.click('#back');
  await ready(page);
});

test.serial('a pasted genuine presentation is VALID too', async (t) => {
  const { challenge, domain } = await ask(page, 'CitizenIdentityCard', ['fullName']);
  const vp = await world.present('CitizenIdentityCard', ['fullName'], challenge, domain);
  await page.fill('#pasted', JSON.stringify(vp));
  await page.click('#verify-pasted');
  await page.waitForSelector('body[data-state="result"]', { state: 'attached' });
  t.is(await page.getAttribute('#verdict', 'data-verdict'), 'valid');
  t.is(await page.getAttribute('li[data-check="presentation:requestSatisfied"]', 'data-result'), 'valid');
  await page.click('#back');
  await ready(page);
});

test.serial(
  'an answer that leaves out a field the page asked for is NOT VALID with REQUEST_NOT_SATISFIED',
  async (t) => {
    const { challenge, domain } = await ask(page, 'CitizenIdentityCard', ['fullName', 'sex']);
    const vp = await world.present('CitizenIdentityCard', ['fullName'], challenge, domain);
    await page.fill('#pasted', JSON.stringify(vp));
    await page.click('#verify-pasted');
    await page.waitForSelector('body[data-state="result"]', { state: 'attached' });
    t.is(await page.getAttribute('#verdict', 'data-verdict'), 'invalid');
    t.regex((await page.textContent('#codes')) ?? '', /REQUEST_NOT_SATISFIED/);
    await page.click('#back');
    await ready(page);
  },
);

/** Chooses QR image files (one choice), waits until the page shows a result or asks for more parts. */
async function chooseFiles(p: Page, files: string[]): Promise<string> {
  await p.setInputFiles('#qr-file', files);
  await p.waitForSelector('body[data-state="result"], body[data-state="partial"]', {
    state: 'attached',
    timeout: 30_000,
  });
  return (await p.getAttribute('body', 'data-state')) ?? '';
}

async function refusedCode(p: Page, shot: string): Promise<string> {
  await p.waitForSelector('body[data-state="result"]', { state: 'attached' });
  const code = (await p.textContent('#codes')) ?? '';
  await p.screenshot({ path: join(ARTIFACTS, `${shot}.png`), fullPage: true });
  await p.click('#back');
  await ready(p);
  return code;
}

test.serial(
  'the request QR, chosen with bilingual labels, is read by the wallet; its 2-part answer from two QR images is VALID',
  async (t) => {
    // The officer picks the document and fields; the labels come from @vneid/schemas.
    await page.selectOption('#request-type', 'CitizenIdentityCard');
    t.is(
      await page.textContent('#request-type option[value="CitizenIdentityCard"]'),
      'Thẻ căn cước / Citizen identity card',
    );
    t.regex((await page.textContent('#request-fields label[data-field="sex"]')) ?? '', /Giới tính \/ Sex/);
    for (const field of ['fullName', 'sex', 'faceImage']) await page.check(`#request-fields input[value="${field}"]`);
    // The wallet's camera reads the QR the page shows.
    const request = world.scanRequest(await page.locator('#request-qr').screenshot());
    t.is(request.challenge, await page.textContent('#challenge'));
    t.is(request.domain, await page.textContent('#domain'));
    const vp = await world.answer(request);
    const parts = await world.parts(vp, 2);
    t.is(parts.length, 2);
    const files = [await world.partFile(parts[0]!, 'part-1-of-2'), await world.partFile(parts[1]!, 'part-2-of-2')];

    t.is(await chooseFiles(page, [files[1]!]), 'partial');
    t.is(await page.getAttribute('#progress', 'data-received'), '1');
    t.regex((await page.textContent('#progress')) ?? '', /phần 1 \/ 2 — part 1 of 2/);
    await page.screenshot({ path: join(ARTIFACTS, 'multi-qr-part-1-of-2.png'), fullPage: true });
    t.is(await chooseFiles(page, [files[0]!]), 'result');
    t.is(await page.getAttribute('#verdict', 'data-verdict'), 'valid');
    t.regex((await page.textContent('h3.type')) ?? '', /Thẻ căn cước\s*Citizen identity card/);
    t.regex((await page.textContent('tr[data-field="sex"] th')) ?? '', /Giới tính\s*Sex/);
    t.regex((await page.textContent('tr[data-field="sex"] td')) ?? '', /^female \(Nữ \/ Female\)$/);
    t.is(await page.getAttribute('#face', 'src'), fixtures.CitizenIdentityCard.faceImage ?? null);
    await page.screenshot({ path: join(ARTIFACTS, 'multi-qr-genuine.png'), fullPage: true });
    await page.click('#back');
    await ready(page);
  },
);

test.serial(
  'a part of another presentation mixed in, a part given twice and a corrupted part are refused with their codes',
  async (t) => {
    const { challenge, domain } = await challengeOf(page);
    const ours = await world.parts(
      await world.present('CitizenIdentityCard', ['fullName', 'faceImage'], challenge, domain),
      2,
    );
    const theirs = await world.parts(
      await world.present('CitizenIdentityCard', ['fullName', 'sex', 'faceImage'], challenge, domain),
      2,
    );
    t.true(ours.length === 2 && theirs.length === 2);
    const ours1 = await world.partFile(ours[0]!, 'ours-1');
    const theirs2 = await world.partFile(theirs[1]!, 'theirs-2');
    t.is(await chooseFiles(page, [ours1, theirs2]), 'result');
    t.is(await page.getAttribute('#verdict', 'data-verdict'), 'invalid');
    t.is(await refusedCode(page, 'multi-qr-mixed'), 'QR_PARTS_MIXED');

    // The refusal forgot the held part: the same first part starts a new sequence.
    t.is(await chooseFiles(page, [ours1, ours1]), 'result');
    t.is(await refusedCode(page, 'multi-qr-duplicate'), 'QR_PART_DUPLICATE');

    const corrupted = ours[1]!.slice();
    corrupted[40] = corrupted[40]! ^ 0x20;
    t.is(await chooseFiles(page, [ours1, await world.partFile(corrupted, 'corrupted-2')]), 'result');
    t.is(await page.getAttribute('#verdict', 'data-verdict'), 'invalid');
    t.is(await refusedCode(page, 'multi-qr-corrupted'), 'QR_DIGEST_MISMATCH');
  },
);

test.serial(
  '40 days later, offline, the stale bundle makes a genuine presentation CANNOT CONFIRM, never VALID',
  async (t) => {
    const later = new Date(Date.now() + 40 * DAY);
    await page.clock.install({ time: later });
    await page.reload();
    await ready(page);
    t.is(await page.getAttribute('#data-age', 'data-stale'), 'true');
    t.regex((await page.textContent('#stale-warning')) ?? '', /BUNDLE_STALE/);
    world.setWalletNow(later);
    const { challenge, domain } = await ask(page, 'CitizenIdentityCard', ['fullName', 'faceImage']);
    const vp = await world.present('CitizenIdentityCard', ['fullName', 'faceImage'], challenge, domain);
    world.setWalletNow(undefined);
    const r = await verifyQr(page, await world.qrFile(vp, 'stale'), 'stale');
    t.is(r.verdict, 'unknown');
    t.regex(r.codes, /BUNDLE_STALE/);
    t.false(
      r.checks.some((c) => c.endsWith('=invalid')),
      r.checks.join(' '),
    );
  },
);
