import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Issuer } from '../create-issuer.js';
import type { ApiKeyEntry } from '../http/auth.js';
import { generateApiKey, hashApiKey } from '../http/auth.js';

/**
 * Development-only passphrase, used when VNEID_ISSUER_PASSPHRASE is unset on
 * a data directory this bootstrap created. Never reachable for a data dir
 * created with a real passphrase.
 */
export const DEV_PASSPHRASE = 'vneid-dev-only-insecure-passphrase';
export const DEV_MARKER = 'dev-bootstrap.json';
export const API_KEYS_FILE = 'api-keys.json';

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
 * ministries with their keys, and one API key each. Returns the plaintext
 * keys (to print once); only their SHA-256 is written to disk.
 */
export async function bootstrapDev(
  issuer: Issuer,
  dataDir: string,
): Promise<Array<{ ministry: string; apiKey: string }>> {
  const issued: Array<{ ministry: string; apiKey: string }> = [];
  const entries: ApiKeyEntry[] = [];
  for (const m of DEV_MINISTRIES) {
    await issuer.addMinistry(m);
    const apiKey = generateApiKey();
    issued.push({ ministry: m.slug, apiKey });
    entries.push({ ministry: m.slug, sha256: hashApiKey(apiKey) });
  }
  await writeFile(join(dataDir, API_KEYS_FILE), `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  await writeFile(join(dataDir, DEV_MARKER), `${JSON.stringify({ createdAt: new Date().toISOString() })}\n`, {
    mode: 0o600,
  });
  return issued;
}
