import {
  decodePresentationQr,
  decodeRequestQr,
  encodePresentationQr,
  encodeRequestQr,
  qrSymbolOf,
  readQrImage,
} from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';
import { createAccountabilityLog, verifyAccountabilityLog } from '@vneid/verifier';
import test from 'ava';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { endOfDayInVietnam, requestFor } from '../src/lib/steps.js';
import { worldFor } from './helpers/world.js';

const DOMAIN = 'csgt.bocongan.gov.vn';

/** A screen shows the part as a PNG; the other device's camera reads it (jsqr). */
async function showAndScan(part: Uint8Array): Promise<Uint8Array> {
  const png = await QRCode.toBuffer([{ data: part, mode: 'byte' }], { errorCorrectionLevel: 'M', scale: 2 });
  const image = PNG.sync.read(png);
  const bytes = readQrImage({ data: image.data, width: image.width, height: image.height });
  if (!bytes) throw new Error('no QR code in the image');
  return bytes;
}

test('roadside, QR to QR with the network blocked: challenge QR → consent → presentation QR(s) → verified offline and logged', async (t) => {
  const world = await worldFor(t);
  await world.issueToWallet('police', 'DrivingLicence', fixtures.DrivingLicence, {
    validUntil: endOfDayInVietnam('2035-09-03'),
  });
  await world.syncStatus();
  // From here on neither device has a network: every Node network API throws.
  forbidNetwork();
  const device = world.verifier(DOMAIN);
  const log = createAccountabilityLog({ verifier: DOMAIN, now: () => world.clock.now() });
  const queries = [
    { type: 'DrivingLicence', fields: ['fullName', 'licenceClasses'], reason: 'Kiểm tra giấy phép lái xe' },
  ];

  const challenge = device.challenges.issue();
  const shownRequest = encodeRequestQr(requestFor(queries, challenge, DOMAIN));
  t.is(shownRequest.length, 1);
  const request = decodeRequestQr([await showAndScan(shownRequest[0]!)]);

  const preview = await world.wallet.preview(request);
  t.deepEqual(preview.credentials, [{ type: 'DrivingLicence', fields: ['fullName', 'licenceClasses'] }]);
  const { presentation } = await world.wallet.present(request, preview.consent);
  const parts = await encodePresentationQr({ presentation, documentLoader: world.documentLoader });
  for (const p of parts) t.true(qrSymbolOf(p).version <= 25);
  const scanned: Uint8Array[] = [];
  for (const p of parts) scanned.push(await showAndScan(p));

  const received = await decodePresentationQr({ parts: scanned, documentLoader: world.documentLoader });
  const report = await device.verify(received, { challenge, request: request as never });
  t.true(report.verified, JSON.stringify(report.checks.filter((c) => c.result === 'invalid')));
  log.record({ asked: queries, purpose: [queries[0]!.reason], verified: report.verified });

  // The same QR shown twice: the challenge is used up.
  const replay = await device.verify(
    await decodePresentationQr({ parts: scanned, documentLoader: world.documentLoader }),
    { challenge, request: request as never },
  );
  t.false(replay.verified);
  t.true(replay.checks.some((c) => c.result === 'invalid' && c.code === 'CHALLENGE_REPLAYED'));
  log.record({ asked: queries, purpose: [queries[0]!.reason], verified: false, codes: ['CHALLENGE_REPLAYED'] });

  t.notThrows(() => verifyAccountabilityLog(log.entries()));
  t.false(JSON.stringify(log.entries()).includes(fixtures.DrivingLicence.fullName));
  const receipts = await world.wallet.consents();
  t.is(receipts[0]!.outcome, 'shared');
  t.deepEqual(receipts[0]!.credentials, [{ type: 'DrivingLicence', fields: ['fullName', 'licenceClasses'] }]);
  t.deepEqual(networkAttempts, []);
});
