import { readFileSync } from 'node:fs';
import { ConfigError, SETTINGS } from './settings.js';

type Env = (typeof SETTINGS)[number]['env'];
/** The validated service configuration, by variable name. */
export type ServiceConfig = { [K in Env]: ReturnType<Extract<(typeof SETTINGS)[number], { env: K }>['parse']> };

/**
 * Reads the environment and the optional JSON file named by
 * `VNEID_ISSUER_CONFIG`, validates every setting and returns them typed.
 *
 * @throws {ConfigError} naming the first wrong setting.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  let file: Record<string, unknown> = {};
  if (env.VNEID_ISSUER_CONFIG) {
    try {
      file = JSON.parse(readFileSync(env.VNEID_ISSUER_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(
        'VNEID_ISSUER_CONFIG',
        `cannot read ${env.VNEID_ISSUER_CONFIG}: ${(cause as Error).message}`,
      );
    }
    if (file === null || typeof file !== 'object' || Array.isArray(file))
      throw new ConfigError('VNEID_ISSUER_CONFIG', 'must hold a JSON object');
    const known = new Set<string>(SETTINGS.map((s) => s.env));
    for (const key of Object.keys(file))
      if (!known.has(key)) throw new ConfigError(key, 'is not a setting (see docs/configuration.md)');
  }
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const fromFile = file[s.env];
    const raw = env[s.env] ?? (fromFile === undefined ? undefined : String(fromFile));
    out[s.env] = s.parse(raw);
  }
  if (Boolean(out.VNEID_ISSUER_TLS_CERT) !== Boolean(out.VNEID_ISSUER_TLS_KEY)) {
    throw new ConfigError(
      out.VNEID_ISSUER_TLS_CERT ? 'VNEID_ISSUER_TLS_KEY' : 'VNEID_ISSUER_TLS_CERT',
      'TLS needs both a certificate and a key file',
    );
  }
  const adminFile = out.VNEID_ADMIN_TOKEN_SHA256_FILE as string | undefined;
  if (out.VNEID_ADMIN_TOKEN_SHA256 === undefined && adminFile) {
    let raw: string;
    try {
      raw = readFileSync(adminFile, 'utf8');
    } catch (cause) {
      throw new ConfigError('VNEID_ADMIN_TOKEN_SHA256_FILE', `cannot read ${adminFile}: ${(cause as Error).message}`);
    }
    const value = raw.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(value)) {
      throw new ConfigError('VNEID_ADMIN_TOKEN_SHA256_FILE', 'must hold 64 hex digits (the SHA-256 of the token)');
    }
    out.VNEID_ADMIN_TOKEN_SHA256 = value;
  }
  return out as ServiceConfig;
}
