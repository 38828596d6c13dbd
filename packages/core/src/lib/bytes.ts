import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** `sha256-<base64>` (the Subresource Integrity form) of a JSON document's canonical form. */
export function jsonDigest(value: unknown): string {
  return `sha256-${createHash('sha256').update(canonicalJson(value), 'utf8').digest('base64')}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
