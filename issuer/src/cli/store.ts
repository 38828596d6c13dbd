import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createIssuer, type Issuer } from '../create-issuer.js';
import { DEV_MARKER, DEV_PASSPHRASE } from '../dev/bootstrap.js';
import { UsageError } from './usage-error.js';

/** Where the CLI's local store is and how to open it. */
export interface StoreOptions {
  data?: string;
  baseUrl?: string;
}

/**
 * Opens the issuer's LevelDB store for one command. The passphrase comes only
 * from VNEID_ISSUER_PASSPHRASE (never a flag: flags end up in shell history
 * and `ps`). A development data directory made by the service's first run
 * falls back to its development passphrase, loudly, as the service does.
 */
export async function openStore(options: StoreOptions, env: NodeJS.ProcessEnv, warn: (line: string) => void) {
  const dataDir = resolve(options.data ?? env.VNEID_ISSUER_DATA ?? './data');
  // The base URL must be the service's: DIDs and status list URLs derive from it.
  const baseUrl = options.baseUrl ?? env.VNEID_ISSUER_BASE_URL ?? 'http://127.0.0.1:8080';
  const passphrase = storePassphrase(options, env, warn);
  return createIssuer({ dataDir, passphrase, baseUrl });
}

/** The passphrase of the local store: VNEID_ISSUER_PASSPHRASE, or a development folder's own (with a warning). */
export function storePassphrase(options: StoreOptions, env: NodeJS.ProcessEnv, warn: (line: string) => void): string {
  const dataDir = resolve(options.data ?? env.VNEID_ISSUER_DATA ?? './data');
  const passphrase = env.VNEID_ISSUER_PASSPHRASE;
  if (passphrase) return passphrase;
  if (!existsSync(resolve(dataDir, DEV_MARKER))) {
    throw new UsageError('VNEID_ISSUER_PASSPHRASE must be set to open the key store');
  }
  warn('WARNING: VNEID_ISSUER_PASSPHRASE is not set — using the DEVELOPMENT passphrase of this data directory.');
  return DEV_PASSPHRASE;
}

/** Runs `fn` over an open store and always closes it (the LevelDB lock is per process). */
export async function withStore<T>(
  options: StoreOptions,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void,
  fn: (issuer: Issuer) => Promise<T>,
): Promise<T> {
  const issuer = await openStore(options, env, warn);
  try {
    return await fn(issuer);
  } finally {
    await issuer.close();
  }
}
