import { isRegisteredType, labelFor } from '@vneid/schemas';
import type { DisclosedClaim } from '../types.js';

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The disclosed top-level claims of a verified subject, labelled in both
 * languages. Values are read straight from the verified document (no merges:
 * TRAPS `__proto__`), and `structuredClone`d so the report cannot alias it.
 */
export function disclosedClaims(type: string, subject: Record<string, unknown>): DisclosedClaim[] {
  const registered = isRegisteredType(type);
  const claims: DisclosedClaim[] = [];
  for (const field of Object.keys(subject)) {
    if (field === 'id' || field === 'type') continue;
    const pointer = `/${escapePointer(field)}`;
    const en = registered ? labelFor(type, pointer, 'en') : undefined;
    const vi = registered ? labelFor(type, pointer, 'vi') : undefined;
    claims.push({
      field,
      pointer,
      value: structuredClone(subject[field]),
      label: { en: en ?? field, vi: vi ?? field },
    });
  }
  return claims;
}

/** The value at a JSON pointer, or `undefined` (own properties only). */
export function valueAt(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
