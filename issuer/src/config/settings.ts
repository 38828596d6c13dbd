import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';

/** A wrong configuration value: the start stops with the setting's name. */
export class ConfigError extends Error {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}

/** One setting of the issuer service: environment variable (or the same key in the JSON file), meaning, default. */
export interface Setting {
  env: string;
  description: string;
  default: string;
  parse(raw: string | undefined): unknown;
}

const int = (env: string, min: number, max: number, fallback: number) => (raw: string | undefined) => {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(env, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return Number(raw);
};
const num = (env: string, fallback: number) => (raw: string | undefined) => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError(env, `must be a positive number, got ${JSON.stringify(raw.slice(0, 40))}`);
  return n;
};
const text = (fallback: string | undefined) => (raw: string | undefined) =>
  raw === undefined || raw === '' ? fallback : raw;
const flag = (env: string) => (raw: string | undefined) => {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new ConfigError(env, `must be 1/true or 0/false, got ${JSON.stringify(raw.slice(0, 40))}`);
};
const url = (env: string) => (raw: string | undefined) => {
  if (raw === undefined || raw === '') return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new ConfigError(env, `must be an absolute http(s) URL, got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  return raw;
};

// express "trust proxy": a hop count, true/false, or addresses/subnets (and
// proxy-addr's names). A typo would otherwise reach express, which either
// throws deep in the start or trusts nothing and counts the proxy as the client.
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustProxy = (env: string) => (raw: string | undefined) => {
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  const parts = raw.split(',').map((p) => p.trim());
  const valid = parts.every((part) => {
    if (PROXY_NAMES.has(part)) return true;
    const [address, prefix, ...rest] = part.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || rest.length > 0) return false;
    if (prefix === undefined) return true;
    return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
  });
  if (!valid) {
    throw new ConfigError(
      env,
      `must be a hop count, true/false, or comma-separated addresses/subnets (or loopback, linklocal, uniquelocal), got ${JSON.stringify(raw.slice(0, 80))}`,
    );
  }
  return raw;
};

const sha256Hex = (env: string) => (raw: string | undefined) => {
  if (raw === undefined || raw === '') return undefined;
  const value = raw.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(value)) throw new ConfigError(env, 'must be 64 hex digits (the SHA-256 of the token)');
  return value;
};

/** Every setting, in the order of docs/configuration.md. */
export const SETTINGS = [
  {
    env: 'PORT',
    description: 'TCP port to listen on; 0 picks a free one. Bound before anything is created.',
    default: '8080',
    parse: int('PORT', 0, 65535, 8080),
  },
  {
    env: 'HOST',
    description: 'Address to listen on. Exposing the service is a deliberate choice.',
    default: '127.0.0.1',
    parse: text('127.0.0.1'),
  },
  {
    env: 'VNEID_ISSUER_BASE_URL',
    description:
      'Public base URL that DIDs and status-list URLs are built from (the URL behind the TLS proxy). A warning is printed when it differs from where the service listens.',
    default: 'the listening URL',
    parse: url('VNEID_ISSUER_BASE_URL'),
  },
  {
    env: 'VNEID_ISSUER_DATA',
    description: 'Folder of the LevelDB store (API keys included; an older api-keys.json is imported at start).',
    default: './data',
    parse: text('./data'),
  },
  {
    env: 'DATABASE_URL',
    description:
      'PostgreSQL connection URL; when set it is passed to the issuer storage (see the storage documentation).',
    default: 'unset (LevelDB)',
    parse: text(undefined),
  },
  {
    env: 'VNEID_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS',
    description:
      'PostgreSQL: a session idle inside a transaction this long is ended by the server and its row locks freed, so a frozen or cut-off replica cannot stall the others. Keep it below the lock timeout.',
    default: '10',
    parse: int('VNEID_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS', 1, 3600, 10),
  },
  {
    env: 'VNEID_DATABASE_LOCK_TIMEOUT_SECONDS',
    description:
      'PostgreSQL: a request that waits this long for a row lock (the audit head, a status list, a ministry) is answered STORAGE_UNAVAILABLE (503, Retry-After).',
    default: '15',
    parse: int('VNEID_DATABASE_LOCK_TIMEOUT_SECONDS', 1, 3600, 15),
  },
  {
    env: 'VNEID_DATABASE_STATEMENT_TIMEOUT_SECONDS',
    description:
      'PostgreSQL: a statement running this long is cancelled and answered STORAGE_UNAVAILABLE; the client gives up on a silent server 5 s later. Migrations at start are exempt.',
    default: '30',
    parse: int('VNEID_DATABASE_STATEMENT_TIMEOUT_SECONDS', 1, 3600, 30),
  },
  {
    env: 'VNEID_ISSUER_PASSPHRASE',
    description: 'Passphrase of the encrypted key store. Required, except for a development store.',
    default: 'unset',
    parse: text(undefined),
  },
  {
    env: 'VNEID_ISSUER_DEV_BOOTSTRAP',
    description:
      'Create a missing store with the development ministries and print their API keys (their SHA-256 kept in the store). Without it a missing store stops the start.',
    default: 'false',
    parse: flag('VNEID_ISSUER_DEV_BOOTSTRAP'),
  },
  {
    env: 'VNEID_ISSUER_TLS_CERT',
    description: 'PEM certificate file: serve HTTPS (with VNEID_ISSUER_TLS_KEY).',
    default: 'unset (HTTP)',
    parse: text(undefined),
  },
  {
    env: 'VNEID_ISSUER_TLS_KEY',
    description: 'PEM private key file of the certificate.',
    default: 'unset',
    parse: text(undefined),
  },
  {
    env: 'VNEID_SIGNING_WORKERS',
    description: 'Signing worker threads.',
    default: 'min(cores, 4)',
    parse: int('VNEID_SIGNING_WORKERS', 0, 64, Math.min(availableParallelism(), 4)),
  },
  {
    env: 'VNEID_RATE_LIMIT_BURST',
    description: 'Requests an API key may make at once (token bucket size), across all replicas on PostgreSQL.',
    default: '60',
    parse: int('VNEID_RATE_LIMIT_BURST', 1, 1_000_000, 60),
  },
  {
    env: 'VNEID_RATE_LIMIT_PER_SECOND',
    description: 'Requests per second an API key regains, across all replicas on PostgreSQL.',
    default: '1',
    parse: num('VNEID_RATE_LIMIT_PER_SECOND', 1),
  },
  {
    env: 'VNEID_BODY_LIMIT_BYTES',
    description:
      'Largest request body. The face image inside a CitizenIdentityCard is capped separately at 64 KiB by its schema.',
    default: '262144',
    parse: int('VNEID_BODY_LIMIT_BYTES', 1024, 16 * 1024 * 1024, 256 * 1024),
  },
  {
    env: 'VNEID_STATUS_LIST_VALIDITY_SECONDS',
    description:
      'Validity of a signed status-list credential; it is re-signed after VNEID_STATUS_LIST_REFRESH_SECONDS.',
    default: '86400',
    parse: int('VNEID_STATUS_LIST_VALIDITY_SECONDS', 60, 31 * 86400, 86400),
  },
  {
    env: 'VNEID_STATUS_LIST_REFRESH_SECONDS',
    description:
      'Age after which a served status list is re-signed; verifiers re-sync about this often. Capped at the validity.',
    default: 'half the validity',
    parse: (raw: string | undefined) =>
      raw === undefined || raw === '' ? undefined : int('VNEID_STATUS_LIST_REFRESH_SECONDS', 1, 31 * 86400, 0)(raw),
  },
  {
    env: 'VNEID_STATUS_LIST_INDEX_CACHE_SECONDS',
    description:
      'Seconds each replica keeps the status list index (GET /status-lists/, one database read) before reading it again; 0 turns the cache off. A status change made on another replica shows in the index within this time.',
    default: '5',
    parse: int('VNEID_STATUS_LIST_INDEX_CACHE_SECONDS', 0, 300, 5),
  },
  {
    env: 'VNEID_METRICS_TOKEN',
    description: 'Bearer token a Prometheus scraper presents at /metrics; without it only loopback clients may scrape.',
    default: 'unset',
    parse: text(undefined),
  },
  {
    env: 'VNEID_KEY_LIFETIME_DAYS',
    description: 'Days a signing key may sign; the metric vneid_signing_key_days_remaining counts down to it.',
    default: '365',
    parse: int('VNEID_KEY_LIFETIME_DAYS', 1, 3650, 365),
  },
  {
    env: 'VNEID_AUDIT_CHECK_INTERVAL_SECONDS',
    description: 'Seconds between audit-chain checks (run from scrapes).',
    default: '3600',
    parse: int('VNEID_AUDIT_CHECK_INTERVAL_SECONDS', 0, 7 * 86400, 3600),
  },
  {
    env: 'VNEID_AUDIT_ANCHOR_FILE',
    description:
      'File with the last audit head exported elsewhere; the start refuses a store that does not reach it (STORE_INCONSISTENT), and the audit check also catches a cut tail.',
    default: 'unset',
    parse: text(undefined),
  },
  {
    env: 'VNEID_MAX_BACKDATING_SECONDS',
    description:
      'How far in the past a caller may set a credential’s validFrom; an earlier one is VALIDITY_PERIOD_INVALID (422).',
    default: '86400',
    parse: int('VNEID_MAX_BACKDATING_SECONDS', 0, 10 * 365 * 86400, 86400),
  },
  {
    env: 'VNEID_GENERAL_CONTEXTS_FILE',
    description:
      'JSON file of extra JSON-LD contexts general credentials may use: [{ "url", "digest": "sha256-<base64>", "document" }]. Pinned by digest, served from memory, never fetched.',
    default: 'unset',
    parse: text(undefined),
  },
  {
    env: 'VNEID_TRUST_PROXY',
    description:
      'express "trust proxy": a hop count (e.g. 1 for one TLS proxy in front), true/false, or comma-separated addresses/subnets (or loopback, linklocal, uniquelocal), so logged and counted addresses are the clients’. The /metrics loopback rule then applies to the forwarded client, not the proxy.',
    default: 'unset',
    parse: trustProxy('VNEID_TRUST_PROXY'),
  },
  {
    env: 'VNEID_ADMIN_TOKEN_SHA256',
    description:
      'SHA-256 (64 hex digits) of the admin bearer token; serves the admin API under /admin/ (API keys, ministries, key rotation, records, audit check). Unset: no admin API. Never a ministry API key.',
    default: 'unset',
    parse: sha256Hex('VNEID_ADMIN_TOKEN_SHA256'),
  },
  {
    env: 'VNEID_ADMIN_TOKEN_SHA256_FILE',
    description: 'File holding that SHA-256 instead (e.g. a mounted secret); the variable wins.',
    default: 'unset',
    parse: text(undefined),
  },
  {
    env: 'VNEID_BATCH_MAX_ITEMS',
    description: 'Items in one POST /credentials/batches submission; more is refused with 413 INPUT_LIMIT_EXCEEDED.',
    default: '1000',
    parse: int('VNEID_BATCH_MAX_ITEMS', 1, 100_000, 1000),
  },
  {
    env: 'VNEID_BATCH_BODY_LIMIT_BYTES',
    description: 'Bytes of one batch submission (each item also stays within VNEID_BODY_LIMIT_BYTES).',
    default: '16777216',
    parse: int('VNEID_BATCH_BODY_LIMIT_BYTES', 1024, 256 * 1024 * 1024, 16 * 1024 * 1024),
  },
] as const satisfies readonly Setting[];

/** The reference of every setting, as committed in docs/configuration.md. */
export function renderConfigurationReference(): string {
  const rows = SETTINGS.map((s) => `| \`${s.env}\` | ${s.default} | ${s.description} |`);
  return [
    '# Issuer service configuration',
    '',
    '<!-- Generated from issuer/src/config/settings.ts by `node --import=tsx --conditions=source issuer/src/config/render-reference.ts`; a test compares. -->',
    '',
    'Each setting comes from the environment, or from the JSON file named by `VNEID_ISSUER_CONFIG` (keys are the',
    'variable names; the environment wins). A wrong value stops the start with a message naming the setting.',
    '',
    '| setting | default | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
