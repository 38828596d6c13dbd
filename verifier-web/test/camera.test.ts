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
import { pngToY4m } from './helpers/y4m.js';

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

for (const tampered of [false, true]) {
  test.serial(
    `a ${tampered ? 'tampered' : 'genuine'} presentation scanned by the camera is ${tampered ? 'NOT VALID' : 'VALID'}`,
    async (t) => {
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
        const card = await world.issuer.issue({
          ministry: 'bo-cong-an',
          type: 'CitizenIdentityCard',
          subject: fixtures.CitizenIdentityCard,
          holder: world.wallet.holderDid,
          validUntil: '2038-05-19T17:00:00Z',
        });
        await world.wallet.add(card);
        const context = await browser.newContext({ permissions: ['camera'] });
        const page = await context.newPage();
        await page.goto(`${world.url}/verify/`);
        await page.waitForSelector('body[data-state="ready"]', { state: 'attached' });
        const challenge = (await page.textContent('#challenge')) ?? '';
        const domain = (await page.textContent('#domain')) ?? '';
        const vp = await world.present('CitizenIdentityCard', ['fullName'], challenge, domain);
        if (tampered) {
          (
            vp.verifiableCredential as Array<{ credentialSubject: Record<string, unknown> }>
          )[0]!.credentialSubject.fullName = 'Nguyễn Văn Giả';
        }
        // The fake camera opens its file when the page asks for the camera, so it is written now.
        await pngToY4m(await world.qrFile(vp, `camera-${tampered}`), video);
        await page.click('#camera');
        await page.waitForSelector('body[data-state="result"]', { state: 'attached', timeout: 30_000 });
        await page.screenshot({
          path: join(ARTIFACTS, `camera-${tampered ? 'tampered' : 'genuine'}.png`),
          fullPage: true,
        });
        t.is(await page.getAttribute('#verdict', 'data-verdict'), tampered ? 'invalid' : 'valid');
        if (tampered) t.regex((await page.textContent('#codes')) ?? '', /PROOF_VERIFICATION_ERROR/);
        else t.is(await page.textContent('tr[data-field="fullName"] td'), fixtures.CitizenIdentityCard.fullName);
      } finally {
        await browser.close();
        await world.close();
      }
    },
  );
}
