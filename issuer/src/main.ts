import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixtures } from '@vneid/schemas';
import { loadConfig } from './config/load-config.js';
import { ConfigError } from './config/settings.js';
import { createIssuer, type Issuer } from './create-issuer.js';
import { bootstrapDev, DEV_MARKER, DEV_MINISTRIES, DEV_PASSPHRASE, importApiKeysFile } from './dev/bootstrap.js';
import { generateApiKey, hashApiKey } from './http/auth.js';
import { createBatchRunner } from './http/batch-runner.js';
import { createMonitoring } from './monitoring/monitoring.js';
import { bindPort, type StartedServer } from './server.js';
import { backupFileName } from './storage/leveldb/backup-file.js';

// A setting naming a JSON file, read at start: an unreadable file stops the start naming the setting.
function jsonFileOption<K extends string>(setting: string, file: unknown, key: K): Partial<Record<K, never>> {
  if (typeof file !== 'string') return {};
  try {
    return { [key]: JSON.parse(readFileSync(file, 'utf8')) } as Partial<Record<K, never>>;
  } catch (cause) {
    throw new ConfigError(setting, `cannot read JSON from ${file}: ${(cause as Error).message}`);
  }
}

/**
 * Runs the issuer service with the validated configuration of
 * docs/configuration.md (environment, or the JSON file `VNEID_ISSUER_CONFIG`):
 * the port is bound first, then the store is opened. A missing store is
 * created with the development ministries and API keys (printed once) only
 * with VNEID_ISSUER_DEV_BOOTSTRAP=1 (`--dev-bootstrap`). The key store
 * passphrase comes from VNEID_ISSUER_PASSPHRASE; a development data directory
 * falls back to a fixed development passphrase with a loud warning.
 *
 * @example
 * VNEID_ISSUER_PASSPHRASE=… node issuer/dist/main.js
 * @throws {ConfigError} naming the wrong setting.
 * @throws {VneidError} DATABASE_LOCKED, KEYSTORE_LOCKED, STORE_INCONSISTENT (a store that lost writes or does not reach VNEID_AUDIT_ANCHOR_FILE)
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<StartedServer> {
  const config = loadConfig(env);
  const dataDir = resolve(config.VNEID_ISSUER_DATA as string);
  const host = config.HOST as string;
  const onPostgres = config.DATABASE_URL !== undefined;
  const exists = existsSync(resolve(dataDir, 'issuer.db'));
  const bootstrap = config.VNEID_ISSUER_DEV_BOOTSTRAP === true;
  // Deleting the store must not silently create new ministries and overwrite api-keys.json.
  if (!exists && !bootstrap && !onPostgres) {
    throw new ConfigError(
      'VNEID_ISSUER_DEV_BOOTSTRAP',
      `no issuer store in ${dataDir}: create one with \`vneid-issuer ministry add\`, or set VNEID_ISSUER_DEV_BOOTSTRAP=1 for a development store`,
    );
  }
  const fresh = !onPostgres && !exists && bootstrap;
  // On PostgreSQL there is no folder to mark: the flag alone makes a development database.
  const dev = onPostgres ? bootstrap : fresh || existsSync(resolve(dataDir, DEV_MARKER));
  let passphrase = config.VNEID_ISSUER_PASSPHRASE as string | undefined;
  if (!passphrase) {
    if (!dev) throw new ConfigError('VNEID_ISSUER_PASSPHRASE', 'is required for this data directory');
    console.warn(
      '\n!!! WARNING: VNEID_ISSUER_PASSPHRASE is not set — using the DEVELOPMENT passphrase.\n' +
        '!!! The signing keys in this data directory are NOT protected. Never use it for real credentials.\n',
    );
    passphrase = DEV_PASSPHRASE;
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (config.VNEID_ISSUER_TLS_CERT && config.VNEID_ISSUER_TLS_KEY) {
    const read = (setting: string, file: string) => {
      try {
        return readFileSync(file);
      } catch (cause) {
        throw new ConfigError(setting, `cannot read ${file}: ${(cause as Error).message}`);
      }
    };
    tls = {
      cert: read('VNEID_ISSUER_TLS_CERT', config.VNEID_ISSUER_TLS_CERT as string),
      key: read('VNEID_ISSUER_TLS_KEY', config.VNEID_ISSUER_TLS_KEY as string),
    };
  }
  // The port first: a busy port stops here, before a store, a key or an API key exists.
  const started = await bindPort({ port: config.PORT as number, host, ...(tls ? { tls } : {}) });
  const baseUrl = (config.VNEID_ISSUER_BASE_URL as string | undefined) ?? started.url;
  if (new URL(baseUrl).origin !== new URL(started.url).origin) {
    console.warn(
      `WARNING: DIDs and status lists are built from VNEID_ISSUER_BASE_URL=${baseUrl} while the service listens on ${started.url}: ` +
        'make sure a proxy serves that URL.',
    );
  }
  let issuer: Issuer;
  let printed: Array<{ ministry: string; apiKey: string }> = [];
  try {
    // Sign in worker threads so the event loop keeps answering while ecdsa-sd-2023 proofs are computed.
    const seconds = (name: keyof typeof config) => (config[name] as number) * 1000;
    const storage = config.DATABASE_URL
      ? {
          databaseUrl: config.DATABASE_URL as string,
          database: {
            idleInTransactionTimeoutMillis: seconds('VNEID_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS'),
            lockTimeoutMillis: seconds('VNEID_DATABASE_LOCK_TIMEOUT_SECONDS'),
            statementTimeoutMillis: seconds('VNEID_DATABASE_STATEMENT_TIMEOUT_SECONDS'),
          },
        }
      : {};
    issuer = await createIssuer({
      dataDir,
      passphrase,
      baseUrl,
      signingWorkers: config.VNEID_SIGNING_WORKERS as number,
      maxBackdatingSeconds: config.VNEID_MAX_BACKDATING_SECONDS as number,
      ...jsonFileOption('VNEID_GENERAL_CONTEXTS_FILE', config.VNEID_GENERAL_CONTEXTS_FILE, 'generalContexts'),
      ...jsonFileOption('VNEID_AUDIT_ANCHOR_FILE', config.VNEID_AUDIT_ANCHOR_FILE, 'auditAnchor'),
      statusListValidity: config.VNEID_STATUS_LIST_VALIDITY_SECONDS as number,
      statusListIndexCacheSeconds: config.VNEID_STATUS_LIST_INDEX_CACHE_SECONDS as number,
      ...(config.VNEID_STATUS_LIST_REFRESH_SECONDS !== undefined
        ? { statusListRefresh: config.VNEID_STATUS_LIST_REFRESH_SECONDS as number }
        : {}),
      ...storage,
    });
    if (fresh) printed = await bootstrapDev(issuer, dataDir);
    if (onPostgres && bootstrap) printed = await bootstrapDevDatabase(issuer);
  } catch (error) {
    await started.close();
    throw error;
  }
  // API keys live in the store (LevelDB or PostgreSQL) and are looked up on every request, so keys created or
  // revoked through the admin API count at once. An older data directory's api-keys.json is moved in once.
  if (!onPostgres) {
    try {
      await importApiKeysFile(issuer, dataDir);
    } catch (error) {
      await issuer.close();
      await started.close();
      throw new ConfigError('VNEID_ISSUER_DATA', (error as Error).message);
    }
  }
  const batchRunner = createBatchRunner(issuer);
  const monitoring = createMonitoring(issuer, {
    keyLifetimeDays: config.VNEID_KEY_LIFETIME_DAYS as number,
    auditCheckIntervalSeconds: config.VNEID_AUDIT_CHECK_INTERVAL_SECONDS as number,
    ...(config.VNEID_AUDIT_ANCHOR_FILE ? { auditAnchorFile: config.VNEID_AUDIT_ANCHOR_FILE as string } : {}),
  });
  const trustProxy = config.VNEID_TRUST_PROXY as boolean | number | string | undefined;
  started.attach({
    issuer,
    monitoring,
    batchRunner,
    batchLimits: {
      maxItems: config.VNEID_BATCH_MAX_ITEMS as number,
      maxBytes: config.VNEID_BATCH_BODY_LIMIT_BYTES as number,
      maxItemBytes: config.VNEID_BODY_LIMIT_BYTES as number,
    },
    ...(config.VNEID_ADMIN_TOKEN_SHA256 ? { adminTokenSha256: config.VNEID_ADMIN_TOKEN_SHA256 as string } : {}),
    rateLimit: {
      capacity: config.VNEID_RATE_LIMIT_BURST as number,
      refillPerSecond: config.VNEID_RATE_LIMIT_PER_SECOND as number,
    },
    bodyLimit: config.VNEID_BODY_LIMIT_BYTES as number,
    ...(config.VNEID_METRICS_TOKEN ? { metricsToken: config.VNEID_METRICS_TOKEN as string } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
  });
  // Batches a previous run accepted and did not finish go on now.
  await batchRunner.resume();
  const lines = [`VNeID issuer listening on ${started.url} (${onPostgres ? 'PostgreSQL' : `data: ${dataDir}`})`, ''];
  for (const m of issuer.listMinistries()) {
    lines.push(`  ${m.name.vi} (${m.slug}): ${m.did}`);
    lines.push(`    DID document: ${started.url}/${m.slug}/did.json   types: ${m.credentialTypes.join(', ')}`);
  }
  lines.push(
    `  OpenAPI: ${started.url}/openapi.json   health: ${started.url}/health   ready: ${started.url}/ready`,
    '',
  );
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
  // Online backups of a LevelDB store: `kill -USR2 <pid>` writes one while issuance goes on (docs/deployment.md).
  const onBackupSignal = onPostgres ? undefined : backupOnSignal(issuer, resolve(dataDir, 'backups'));
  if (onBackupSignal) process.on('SIGUSR2', onBackupSignal);
  const service: StartedServer = {
    ...started,
    async close() {
      if (onBackupSignal) process.off('SIGUSR2', onBackupSignal);
      await started.close();
      await batchRunner.close();
      await issuer.close();
    },
  };
  const stop = async () => {
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return service;
}

/** A signal handler writing `<dir>/issuer-<time>.vnbak`; one backup at a time, the outcome on the console. */
function backupOnSignal(issuer: Issuer, dir: string): () => void {
  let running = false;
  return () => {
    if (running) {
      console.warn('backup: one is already being written; signal ignored');
      return;
    }
    running = true;
    mkdir(dir, { recursive: true, mode: 0o700 })
      .then(() => issuer.backup({ file: join(dir, backupFileName(new Date())) }))
      .then(
        (s) =>
          console.log(
            `backup: ${s.file} — ${s.records} records, audit head seq ${s.auditHead.seq}, sha256 ${s.sha256}`,
          ),
        (error: unknown) =>
          console.error(`backup failed: ${(error as { code?: string }).code ?? ''} ${(error as Error).message}`),
      )
      .finally(() => {
        running = false;
      });
  };
}

/**
 * The development ministries and one API key each on an empty database,
 * printed once by the replica that made them: the bootstrap runs under a
 * database lock, and replicas started beside it find it done.
 */
async function bootstrapDevDatabase(issuer: Issuer): Promise<Array<{ ministry: string; apiKey: string }>> {
  const printed: Array<{ ministry: string; apiKey: string }> = [];
  await issuer.exclusive('dev-bootstrap', async () => {
    if (issuer.listMinistries().length > 0 || (await issuer.apiKeys()).length > 0) return;
    for (const m of DEV_MINISTRIES) {
      await issuer.addMinistry(m);
      const apiKey = generateApiKey();
      await issuer.addApiKey({ ministry: m.slug, sha256: hashApiKey(apiKey) });
      printed.push({ ministry: m.slug, apiKey });
    }
  });
  return printed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  // `--dev-bootstrap` (the root `pnpm start`) is VNEID_ISSUER_DEV_BOOTSTRAP=1.
  const devFlag = process.argv.includes('--dev-bootstrap') ? { VNEID_ISSUER_DEV_BOOTSTRAP: '1' } : {};
  main({ ...process.env, ...devFlag }).catch((error) => {
    console.error(error instanceof Error ? `${(error as { code?: string }).code ?? ''} ${error.message}` : error);
    process.exit(1);
  });
}
