// The camera path: chromium's fake camera plays a video of the QR code of a
// presentation; the page scans it (getUserMedia + jsQR) and verifies it.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { chromium } from 'playwright-core';
import { build } from '../scripts/build.mjs';
import { createPageWorld } from './helpers/world.js';
import { pngsToY4m } from './helpers/y4m.js';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let outdir: string;
test.before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  outdir = (await build({ outdir: join(await mkdtemp(join(tmpdir(), 'vneid-web-build-')), 'page') })).outdir;
});
test.after.always(async () => {
  if (outdir) await rm(join(outdir, '..'), { recursive: true, force: true });
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
    const world = await createPageWorld(outdir);
    const video = join(world.dir, 'camera.y4m');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      // The two-part case carries a driving licence: its nested classes show with their labels.
      const type = parts ? 'DrivingLicence' : 'CitizenIdentityCard';
      const fields = parts ? ['fullName', 'licenceClasses'] : ['fullName'];
      const card = await world.issuer.issue({
        ministry: 'bo-cong-an',
        type,
        subject: fixtures[type],
        holder: world.wallet.holderDid,
        validUntil: parts ? '2035-09-03T17:00:00Z' : '2038-05-19T17:00:00Z',
      });
      await world.wallet.add(card);
      const context = await browser.newContext({ permissions: ['camera'] });
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
      // The fake camera opens its file when the page asks for the camera, so it is written now.
      if (parts) {
        const split = await world.parts(vp, 2);
        t.is(split.length, 2);
        const files = await Promise.all(split.map((p, i) => world.partFile(p, `camera-part-${i + 1}`)));
        // Each part shown for half a second, over and over: the page collects both, ignoring repeats.
        await pngsToY4m(files, video, 5);
      } else await pngsToY4m([await world.qrFile(vp, `camera-${name}`)], video);
      await page.click('#camera');
      await page.waitForSelector('body[data-state="result"]', { state: 'attached', timeout: 30_000 });
      await page.screenshot({
        path: join(ARTIFACTS, `camera-${name}.png`),
        fullPage: true,
      });
      t.is(await page.getAttribute('#verdict', 'data-verdict'), tampered ? 'invalid' : 'valid');
      if (tampered) t.regex((await page.textContent('#codes')) ?? '', /PROOF_VERIFICATION_ERROR/);
      else t.is(await page.textContent('tr[data-field="fullName"] td'), fixtures[type].fullName);
      if (parts) {
        // Nested fields and enumerated values with their labels from @vneid/schemas.
        const text = (await page.textContent('#result')) ?? '';
        t.regex((await page.textContent('h3.type')) ?? '', /Giấy phép lái xe\s*Driving licence/);
        t.regex(
          (await page.textContent('tr[data-field="licenceClasses"] > th')) ?? '',
          /Hạng giấy phép lái xe\s*Licence classes/,
        );
        t.regex((await page.textContent('table.nested tr[data-field="licenceClass"] th')) ?? '', /Hạng\s*Class/);
        t.is(await page.textContent('table.nested tr[data-field="licenceClass"] td'), 'A1 (Hạng A1 / Class A1)');
        t.regex(text, /Có giá trị đến\s*Date of expiry\s*2035-09-03/);
      }
    } finally {
      await browser.close();
      await world.close();
    }
  });
}
