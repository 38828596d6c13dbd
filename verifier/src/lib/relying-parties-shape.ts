import { MalformedValueError } from '@vneid/core';

const FIELD = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

function fail(message: string): never {
  throw new MalformedValueError(`trust bundle: ${message}`);
}

function short(value: unknown, where: string, max = 200): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) fail(`${where} must be a short string`);
  return value;
}

/**
 * Checks the `relyingParties` member of a trust bundle: a domain id (once),
 * names in Vietnamese and English, a registration number, a declared
 * retention, and per credential type the field names it may ask for.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR naming the entry.
 */
export function assertRelyingParties(value: unknown): void {
  if (!Array.isArray(value) || value.length > 10_000) fail('relyingParties must be an array');
  const ids = new Set<string>();
  value.forEach((rp: Record<string, unknown>, i) => {
    const at = `relyingParties[${i}]`;
    if (!rp || typeof rp !== 'object' || Array.isArray(rp)) fail(`${at} must be an object`);
    for (const key of Object.keys(rp)) {
      if (!['id', 'name', 'registration', 'retention', 'credentials', 'requestKeys'].includes(key))
        fail(`${at} has unknown member ${key.slice(0, 40)}`);
    }
    const id = short(rp.id, `${at}.id`, 253);
    if (!DOMAIN.test(id)) fail(`${at}.id must be a lower-case domain name`);
    if (ids.has(id)) fail(`${at}.id is a duplicate`);
    ids.add(id);
    const name = rp.name as Record<string, unknown>;
    if (!name || typeof name !== 'object') fail(`${at}.name must be an object`);
    short(name.vi, `${at}.name.vi`);
    short(name.en, `${at}.name.en`);
    short(rp.registration, `${at}.registration`, 100);
    short(rp.retention, `${at}.retention`, 40);
    if (!Array.isArray(rp.credentials) || rp.credentials.length > 16) fail(`${at}.credentials must be an array`);
    for (const c of rp.credentials as Array<Record<string, unknown>>) {
      if (!c || typeof c !== 'object' || !FIELD.test(String(c.type))) fail(`${at}.credentials has a malformed type`);
      if (!Array.isArray(c.fields) || c.fields.length > 64 || c.fields.some((f) => !FIELD.test(String(f)))) {
        fail(`${at}.credentials has malformed fields`);
      }
    }
    if (
      rp.requestKeys !== undefined &&
      (!Array.isArray(rp.requestKeys) ||
        rp.requestKeys.length > 8 ||
        rp.requestKeys.some((k) => typeof k !== 'string' || !THUMBPRINT.test(k)))
    ) {
      fail(`${at}.requestKeys must list at most 8 SHA-256 JWK thumbprints`);
    }
  });
}
