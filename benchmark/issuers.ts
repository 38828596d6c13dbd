// Issuers for the bulk and HTTP figures, each on its own LevelDB folder (synced
// writes, as the service runs) with the benchmark ministry and both its keys:
// P-256 (ecdsa-sd-2023, the default suite) and Ed25519 (eddsa-rdfc-2022).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createIssuer, type Issuer } from '@vneid/issuer';
import { MINISTRY } from './world.js';

/** What the service's main.ts starts when VNEID_SIGNING_WORKERS is unset: min(cores, 4). */
export const SERVICE_SIGNING_WORKERS = Math.min(availableParallelism(), 4);

export async function openIssuer(dir: string, name: string, signingWorkers: number): Promise<Issuer> {
  const issuer = await createIssuer({
    dataDir: join(dir, name),
    passphrase: 'benchmark passphrase',
    baseUrl: 'http://127.0.0.1:8080',
    signingWorkers,
  });
  try {
    await issuer.addMinistry({
      slug: MINISTRY,
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      role: 'MinistryOfPublicSecurity',
    });
    await issuer.createKey(MINISTRY, 'Ed25519');
  } catch (error) {
    await issuer.close();
    throw error;
  }
  return issuer;
}
