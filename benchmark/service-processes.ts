// Issuer service processes (issuer/dist/main.js, as the product ships) for the
// storage figures: each replica is its own process, as in production, so two
// replicas really compete for the machine's cores.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIssuer, generateApiKey, hashApiKey } from '@vneid/issuer';
import { MINISTRY } from './world.js';

const MAIN = fileURLToPath(new URL('../../issuer/dist/main.js', import.meta.url));
export const SERVICE_PASSPHRASE = 'benchmark passphrase';

/** A running service process. */
export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Where a service keeps its data: a PostgreSQL URL or a LevelDB folder. */
export type ServiceStore = { databaseUrl: string } | { dataDir: string };

/**
 * Creates the benchmark ministry (with its Ed25519 key) in the store and an
 * API key for it: in the database on PostgreSQL, in `api-keys.json` on LevelDB.
 * @returns the API key.
 */
export async function prepareStore(store: ServiceStore): Promise<string> {
  if ('dataDir' in store) await mkdir(store.dataDir, { recursive: true });
  const issuer = await createIssuer({ ...store, passphrase: SERVICE_PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  const apiKey = generateApiKey();
  try {
    await issuer.addMinistry({
      slug: MINISTRY,
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      role: 'MinistryOfPublicSecurity',
    });
    await issuer.createKey(MINISTRY, 'Ed25519');
    const entry = { ministry: MINISTRY, sha256: hashApiKey(apiKey) };
    if ('dataDir' in store) await writeFile(join(store.dataDir, 'api-keys.json'), JSON.stringify([entry]));
    else await issuer.addApiKey(entry);
  } finally {
    await issuer.close();
  }
  return apiKey;
}

/** Starts `node issuer/dist/main.js` on a free port over `store`; resolves once it listens. */
export function startService(store: ServiceStore, env: NodeJS.ProcessEnv = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      VNEID_ISSUER_PASSPHRASE: SERVICE_PASSPHRASE,
      VNEID_ISSUER_BASE_URL: 'http://127.0.0.1:8080',
      // The per-key limit would measure the limiter.
      VNEID_RATE_LIMIT_BURST: '1000000',
      VNEID_RATE_LIMIT_PER_SECOND: '1000000',
      ...('databaseUrl' in store ? { DATABASE_URL: store.databaseUrl } : { VNEID_ISSUER_DATA: store.dataDir }),
      ...env,
    },
    // The request log (one JSON line each) is read and dropped: its cost stays, its output does not.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let head = '';
    let up = false;
    const timer = setTimeout(() => reject(new Error(`service did not start: ${head}`)), 120_000);
    const read = (chunk: Buffer) => {
      if (up || head.length > 20_000) return;
      head += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(head);
      if (m) {
        up = true;
        clearTimeout(timer);
        resolve({ url: m[1] as string, child, stop });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited ${code}: ${head}`));
    });
  });
}
