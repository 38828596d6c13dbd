// Sizes of the offline QR transport (issue 14 §3): bytes and QR version at
// error correction M for the two presentations a roadside or age check sends.
// Goal: one QR of version ≤ 25 each. Sizes, not times: no baseline is needed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentLoader, createOfflineDidResolver, encodePresentationQr, qrSymbolOf } from '@vneid/core';
import { createIssuer } from '@vneid/issuer';
import { fixtures, registeredContexts } from '@vneid/schemas';
import { openWallet } from '@vneid/wallet-core';

/** One row: what was presented, the QR message size and the version of one QR holding it. */
export interface QrSizeRow {
  name: string;
  bytes: number;
  jsonBytes: number;
  version: number;
  partsAtVersion25: number;
}

export async function measureQrSizes(): Promise<QrSizeRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-bench-qr-'));
  const issuer = await createIssuer({
    dataDir: join(dir, 'issuer'),
    passphrase: 'bench qr',
    baseUrl: 'https://vneid.gov.vn',
  });
  try {
    await issuer.addMinistry({
      slug: 'bo-cong-an',
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      role: 'MinistryOfPublicSecurity',
    });
    const resolver = createOfflineDidResolver({ documents: () => [issuer.didDocument('bo-cong-an')] });
    const documentLoader = createDocumentLoader({ contexts: registeredContexts(), resolver });
    const wallet = await openWallet({ path: join(dir, 'wallet'), passphrase: 'bench qr wallet', resolver });
    try {
      const now = Date.now();
      await wallet.add(
        await issuer.issue({
          ministry: 'bo-cong-an',
          type: 'DrivingLicence',
          subject: { ...fixtures.DrivingLicence },
          holder: wallet.holderDid,
        }),
      );
      await wallet.add(
        await issuer.issue({
          ministry: 'bo-cong-an',
          type: 'AgeAttestation',
          subject: { ageOver13: true, ageOver16: true, ageOver18: true },
          holder: wallet.holderDid,
          validUntil: new Date(now + 30 * 86_400_000).toISOString(),
        } as never),
      );
      const rows: QrSizeRow[] = [];
      for (const [name, type, fields] of [
        ['licence: fullName + licenceClasses', 'DrivingLicence', ['fullName', 'licenceClasses']],
        ['age: ageOver16', 'AgeAttestation', ['ageOver16']],
      ] as const) {
        const request = {
          query: [
            {
              type: 'QueryByExample',
              credentialQuery: { example: { type, credentialSubject: Object.fromEntries(fields.map((f) => [f, ''])) } },
            },
          ],
          challenge: 'f3b1c2d4e5a6978801234567',
          domain: 'csgt.bocongan.gov.vn',
        };
        const { presentation } = await wallet.present(request, (await wallet.preview(request)).consent);
        const [one] = await encodePresentationQr({ presentation, documentLoader, partCapacity: 2331 - 12 });
        const split = await encodePresentationQr({ presentation, documentLoader });
        rows.push({
          name,
          bytes: one!.length,
          jsonBytes: JSON.stringify(presentation).length,
          version: qrSymbolOf(one!, { errorCorrectionLevel: 'M' }).version,
          partsAtVersion25: split.length,
        });
      }
      return rows;
    } finally {
      await wallet.close();
    }
  } finally {
    await issuer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function qrSizeLines(rows: QrSizeRow[]): string[] {
  return rows.map(
    (r) =>
      `QR ${r.name}: ${r.bytes} bytes (JSON ${r.jsonBytes}), one QR of version ${r.version} at M ` +
      `(goal ≤ 25: ${r.version <= 25 ? 'PASS' : 'MISS'}; ${r.partsAtVersion25} part(s) of version ≤ 25)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of qrSizeLines(await measureQrSizes())) console.log(line);
}
