import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixtures } from '@vneid/schemas';
import { createIssuer } from './create-issuer.js';
import { API_KEYS_FILE, bootstrapDev, DEV_MARKER, DEV_MINISTRIES, DEV_PASSPHRASE } from './dev/bootstrap.js';
import type { ApiKeyEntry } from './http/auth.js';
import { generateApiKey, hashApiKey } from './http/auth.js';
import { type StartedServer, startServer } from './server.js';

/**
 * Runs the issuer service: on PostgreSQL when `DATABASE_URL` is set (see
 * below), else data in `VNEID_ISSUER_DATA` (default ./data),
 * listening on `HOST`:`PORT` (default 127.0.0.1:8080); status lists valid
 * `VNEID_STATUS_LIST_VALIDITY` seconds and re-signed after `VNEID_STATUS_LIST_REFRESH`. A new data directory
 * gets the development ministries and API keys, printed once. The key store
 * passphrase comes from VNEID_ISSUER_PASSPHRASE; a development data directory
 * falls back to a fixed development passphrase with a loud warning.
 *
 * @example
 * VNEID_ISSUER_PASSPHRASE=… node issuer/dist/main.js
 * @throws {VneidError} DATABASE_LOCKED, KEYSTORE_LOCKED
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<StartedServer> {
  if (env.DATABASE_URL) return mainOnPostgres(env, env.DATABASE_URL);
  const dataDir = resolve(env.VNEID_ISSUER_DATA ?? './data');
  const port = Number(env.PORT ?? 8080);
  const host = env.HOST ?? '127.0.0.1';
  const baseUrl = env.VNEID_ISSUER_BASE_URL ?? `http://${host}:${port}`;
  const fresh = !existsSync(resolve(dataDir, 'issuer.db'));
  const dev = fresh || existsSync(resolve(dataDir, DEV_MARKER));
  let passphrase = env.VNEID_ISSUER_PASSPHRASE;
  if (!passphrase) {
    if (!dev) throw new Error('VNEID_ISSUER_PASSPHRASE is required for this data directory');
    console.warn(
      '\n!!! WARNING: VNEID_ISSUER_PASSPHRASE is not set — using the DEVELOPMENT passphrase.\n' +
        '!!! The signing keys in this data directory are NOT protected. Never use it for real credentials.\n',
    );
    passphrase = DEV_PASSPHRASE;
  }
  // Sign in worker threads so the event loop keeps answering while ecdsa-sd-2023 proofs are computed.
  const signingWorkers = Number(env.VNEID_SIGNING_WORKERS ?? Math.min(availableParallelism(), 4));
  // Status list validity and re-signing period, in seconds (defaults: one day, half of it).
  const seconds = (name: string) => (env[name] === undefined ? undefined : Number(env[name]));
  const issuer = await createIssuer({
    dataDir,
    passphrase,
    baseUrl,
    signingWorkers,
    statusListValidity: seconds('VNEID_STATUS_LIST_VALIDITY'),
    statusListRefresh: seconds('VNEID_STATUS_LIST_REFRESH'),
  });
  let printed: Array<{ ministry: string; apiKey: string }> = [];
  if (fresh) printed = await bootstrapDev(issuer, dataDir);
  const apiKeys = JSON.parse(readFileSync(resolve(dataDir, API_KEYS_FILE), 'utf8')) as ApiKeyEntry[];
  const started = await startServer({ issuer, apiKeys, port, host });
  const lines = [`VNeID issuer listening on ${started.url} (data: ${dataDir})`, ''];
  for (const m of issuer.listMinistries()) {
    lines.push(`  ${m.name.vi} (${m.slug}): ${m.did}`);
    lines.push(`    DID document: ${started.url}/${m.slug}/did.json   types: ${m.credentialTypes.join(', ')}`);
  }
  lines.push(`  OpenAPI: ${started.url}/openapi.json   health: ${started.url}/health`, '');
  if (printed.length > 0) {
    lines.push('API keys (shown ONCE; only their SHA-256 is stored):');
    for (const p of printed) lines.push(`  ${p.ministry}: ${p.apiKey}`);
    lines.push('');
  }
  if (dev) {
    // The synthetic fixture appears only in a development data directory's help text.
    const key = printed.find((p) => p.ministry === 'bo-cong-an')?.apiKey ?? '<bo-cong-an API key>';
    const example = {
      credential: {
        type: ['VerifiableCredential', 'CitizenIdentityCard'],
        credentialSubject: fixtures.CitizenIdentityCard,
      },
    };
    lines.push(
      'Try:',
      `  curl -s -X POST ${started.url}/credentials/issue -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' \\`,
      `    -d '${JSON.stringify(example)}'`,
    );
  }
  console.log(lines.join('\n'));
  const stop = async () => {
    await started.close();
    await issuer.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return started;
}

/**
 * The service on PostgreSQL (`DATABASE_URL=postgres://…`): any number of
 * replicas share the database. The first replica started on an empty
 * database creates the schema; with `VNEID_DEV=1` it also creates the
 * development ministries and one API key each (printed once, by that
 * replica only: the bootstrap runs under a database lock, and the others
 * find it done). API keys are read from the database (their SHA-256 only).
 */
async function mainOnPostgres(env: NodeJS.ProcessEnv, databaseUrl: string): Promise<StartedServer> {
  const port = Number(env.PORT ?? 8080);
  const host = env.HOST ?? '127.0.0.1';
  const baseUrl = env.VNEID_ISSUER_BASE_URL ?? `http://${host}:${port}`;
  const dev = env.VNEID_DEV === '1';
  let passphrase = env.VNEID_ISSUER_PASSPHRASE;
  if (!passphrase) {
    if (!dev) throw new Error('VNEID_ISSUER_PASSPHRASE is required (or VNEID_DEV=1 for a development database)');
    console.warn('\n!!! WARNING: VNEID_ISSUER_PASSPHRASE is not set — using the DEVELOPMENT passphrase.\n');
    passphrase = DEV_PASSPHRASE;
  }
  const signingWorkers = Number(env.VNEID_SIGNING_WORKERS ?? Math.min(availableParallelism(), 4));
  const issuer = await createIssuer({ databaseUrl, passphrase, baseUrl, signingWorkers });
  const printed: Array<{ ministry: string; apiKey: string }> = [];
  if (dev) {
    await issuer.exclusive('dev-bootstrap', async () => {
      if (issuer.listMinistries().length > 0 || (await issuer.apiKeys()).length > 0) return;
      for (const m of DEV_MINISTRIES) {
        await issuer.addMinistry(m);
        const apiKey = generateApiKey();
        await issuer.addApiKey({ ministry: m.slug, sha256: hashApiKey(apiKey) });
        printed.push({ ministry: m.slug, apiKey });
      }
    });
  }
  // `VNEID_RATE_LIMIT=<burst>/<per second>` per API key (default 60/1); kept per replica.
  const [capacity, refill] = (env.VNEID_RATE_LIMIT ?? '').split('/').map(Number);
  const rateLimit = capacity && refill ? { capacity, refillPerSecond: refill } : undefined;
  const started = await startServer({
    issuer,
    apiKeys: await issuer.apiKeys(),
    port,
    host,
    ...(rateLimit ? { rateLimit } : {}),
  });
  const lines = [`VNeID issuer listening on ${started.url} (PostgreSQL)`];
  if (printed.length > 0) {
    lines.push('API keys (shown ONCE; only their SHA-256 is stored):');
    for (const p of printed) lines.push(`  ${p.ministry}: ${p.apiKey}`);
  }
  console.log(lines.join('\n'));
  const stop = async () => {
    await started.close();
    await issuer.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return started;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : error);
    process.exit(1);
  });
}
