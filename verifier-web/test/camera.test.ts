// The camera path: chromium's fake camera plays a video of the QR code(s) of
// a presentation; the page scans it (getUserMedia + jsQR) and verifies it.
// One deployment and one browser serve every case: the fake camera opens its
// file each time the page asks for the camera, so each case writes it first.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { type Browser, chromium } from 'playwright-core';
import { build } from '../scripts/build.mjs';
import { createPageWorld, type PageWorld } from './helpers/world.js';
import { pngsToY4m } from './helpers/y4m.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let world: PageWorld;
let browser: Browser;
let video: string;

test.before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // Its own build folder: page.test.ts builds into dist/ at the same time. The world copies it.
  const buildDir = await mkdtemp(join(tmpdir(), 'vneid-web-build-'));
  const { outdir } = await build({ outdir: join(buildDir, 'page') });
  world = await createPageWorld(outdir);
  await rm(buildDir, { recursive: true, force: true });
  video = join(world.dir, 'camera.y4m');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  for (const [type, validUntil] of [
    ['CitizenIdentityCard', '2038-05-19T17:00:00Z'],
    ['DrivingLicence', '2035-09-03T17:00:00Z'],
  ] as const) {
    await world.wallet.add(
      await world.issuer.issue({
        ministry: 'bo-cong-an',
        type,
        subject: fixtures[type],
        holder: world.wallet.holderDid,
        validUntil,
      }),
    );
  }
});

test.after.always(async () => {
  await browser?.close();
  await world?.close();
});

const CASES = [
  { name: 'genuine', tampered: false, parts: false, title: 'a genuine presentation scanned by the camera is VALID' },
  {
    name: 'tampered',
    tampered: true,
    parts: false,
    title: 'a tampered presentation scanned by the camera is NOT VALID',
  },
  {
    name: 'two-parts',
    tampered: false,
    parts: true,
    title:
      'a presentation in two QR parts of the offline transport, scanned one after the other by the camera, is VALID',
  },
];

for (const { name, tampered, parts, title } of CASES) {
  test.serial(title, async (t) => {
    // The two-part case carries a driving licence: its nested classes show with their labels.
    const type = parts ? 'DrivingLicence' : 'CitizenIdentityCard';
    const fields = parts ? ['fullName', 'licenceClasses'] : ['fullName'];
    const context = await browser.newContext({ permissions: ['camera'] });
    try {
      const page = await context.newPage();
      await page.goto(`${world.url}/verify/`);
      await page.waitForSelector('body[data-state="ready"]', { state: 'attached' });
      await page.selectOption('#request-type', type);
      for (const field of fields) await page.check(`#request-fields input[value="${field}"]`);
      const challenge = (await page.textContent('#challenge')) ?? '';
      const domain = (await page.textContent('#domain')) ?? '';
      const vp = await world.present(type, fields, challenge, domain);
      if (tampered) {
        (
          vp.verifiableCredential as Array<{ credentialSubject: Record<string, unknown> }>
        )[0]!.credentialSubject.fullName = 'Nguyễn Văn Giả';
      }
      if (parts) {
        const split = await world.parts(vp, 2);
        t.is(split.length, 2);
        const files = await Promise.all(split.map((p, i) => world.partFile(p, `camera-part-${i + 1}`)));
        // Each part shown for half a second, over and over: the page collects both, ignoring repeats.
        await pngsToY4m(files, video, 5);
      } else await pngsToY4m([await world.qrFile(vp, `camera-${name}`)], video);
      // Every progress line the page shows while scanning, recorded in the page as it happens.
      await page.evaluate(`{
        const seen = (globalThis.progressSeen = []);
        const progress = document.getElementById('progress');
        new MutationObserver(() => {
          if (!progress.hidden && progress.textContent) seen.push(progress.textContent);
        }).observe(progress, { childList: true, characterData: true, subtree: true, attributes: true });
      }`);
      await page.click('#camera');
      await page.waitForSelector('body[data-state="result"]', { state: 'attached', timeout: 30_000 });
      await page.screenshot({ path: join(ARTIFACTS, `camera-${name}.png`), fullPage: true });
      t.is(await page.getAttribute('#verdict', 'data-verdict'), tampered ? 'invalid' : 'valid');
      if (tampered) t.regex((await page.textContent('#codes')) ?? '', /PROOF_VERIFICATION_ERROR/);
      else t.is(await page.textContent('tr[data-field="fullName"] td'), fixtures[type].fullName);
      const seen = await page.evaluate<string[]>('globalThis.progressSeen');
      if (parts) {
        t.true(
          seen.some((line) => /phần 1 \/ 2 — part 1 of 2/.test(line)),
          seen.join(' | '),
        );
        // Nested fields and enumerated values with their labels from @vneid/schemas.
        t.regex((await page.textContent('h3.type')) ?? '', /Giấy phép lái xe\s*Driving licence/);
        t.regex(
          (await page.textContent('tr[data-field="licenceClasses"] > th')) ?? '',
          /Hạng giấy phép lái xe\s*Licence classes/,
        );
        t.regex((await page.textContent('table.nested tr[data-field="licenceClass"] th')) ?? '', /Hạng\s*Class/);
        t.is(await page.textContent('table.nested tr[data-field="licenceClass"] td'), 'A1 (Hạng A1 / Class A1)');
        t.regex((await page.textContent('#result')) ?? '', /Có giá trị đến\s*Date of expiry\s*2035-09-03/);
      } else t.deepEqual(seen, []);
    } finally {
      await context.close();
    }
  });
}
