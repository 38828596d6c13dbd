import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Issuer } from '../create-issuer.js';
import type { ApiKeyEntry } from '../http/auth.js';
import { generateApiKey, hashApiKey } from '../http/auth.js';
import { type ApiKeyRecord, apiKeyId } from '../storage/contract.js';

/**
 * Development-only passphrase, used when VNEID_ISSUER_PASSPHRASE is unset on
 * a data directory this bootstrap created. Never reachable for a data dir
 * created with a real passphrase.
 */
export const DEV_PASSPHRASE = 'vneid-dev-only-insecure-passphrase';
export const DEV_MARKER = 'dev-bootstrap.json';
/** Where API key hashes were kept before they moved into the store; imported once at start. */
export const API_KEYS_FILE = 'api-keys.json';
/** What {@link importApiKeysFile} renames the file to, so it is never imported again. */
export const API_KEYS_IMPORTED = 'api-keys.json.imported';

/**
 * Moves the key hashes of an older data directory's api-keys.json into the
 * store (keys already there — including revoked ones — are left as they
 * are) and renames the file, so the store is the one place the service, the
 * CLI and the admin API read and change keys. Returns how many were added.
 */
export async function importApiKeysFile(issuer: Issuer, dataDir: string): Promise<number> {
  const file = join(dataDir, API_KEYS_FILE);
  let entries: ApiKeyEntry[];
  try {
    entries = JSON.parse(await readFile(file, 'utf8')) as ApiKeyEntry[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new TypeError(`${file} is not readable JSON`);
  }
  if (!Array.isArray(entries)) throw new TypeError(`${file} must hold a JSON array`);
  const stored = new Set((await issuer.apiKeys()).map((k: ApiKeyRecord) => apiKeyId(k.sha256)));
  let added = 0;
  for (const e of entries) {
    if (typeof e?.ministry !== 'string' || typeof e?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      throw new TypeError(`${file} holds an entry that is not { ministry, sha256 }`);
    }
    if (stored.has(apiKeyId(e.sha256))) continue;
    await issuer.addApiKey({ ministry: e.ministry, sha256: e.sha256 });
    added += 1;
  }
  await rename(file, join(dataDir, API_KEYS_IMPORTED));
  return added;
}

export const DEV_MINISTRIES = [
  {
    slug: 'bo-cong-an',
    name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
    role: 'MinistryOfPublicSecurity',
  },
  {
    slug: 'bhxh',
    name: { vi: 'Bảo hiểm xã hội Việt Nam', en: 'Vietnam Social Security' },
    role: 'VietnamSocialSecurity',
  },
  {
    slug: 'dhqghn',
    name: { vi: 'Đại học Quốc gia Hà Nội', en: 'Vietnam National University, Hanoi' },
    role: 'AccreditedUniversity',
  },
] as const;

/**
 * First run of a development data directory: the three development
 * ministries with their keys, and one API key each (in the store, where the
 * service and the admin API read them). Returns the plaintext keys (to print
 * once); only their SHA-256 is stored.
 */
export async function bootstrapDev(
  issuer: Issuer,
  dataDir: string,
): Promise<Array<{ ministry: string; apiKey: string }>> {
  const issued: Array<{ ministry: string; apiKey: string }> = [];
  for (const m of DEV_MINISTRIES) {
    await issuer.addMinistry(m);
    const apiKey = generateApiKey();
    issued.push({ ministry: m.slug, apiKey });
    await issuer.addApiKey({ ministry: m.slug, sha256: hashApiKey(apiKey) });
  }
  await writeFile(join(dataDir, DEV_MARKER), `${JSON.stringify({ createdAt: new Date().toISOString() })}\n`, {
    mode: 0o600,
  });
  return issued;
}
