import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import { jsonDigest } from './lib/bytes.js';

/** A JSON-LD context document, e.g. `{ "@context": { … } }`. */
export type JsonLdContextDocument = Record<string, unknown>;

export const CREDENTIALS_V2_CONTEXT_URL = 'https://www.w3.org/ns/credentials/v2';
export const CREDENTIALS_V1_CONTEXT_URL = 'https://www.w3.org/2018/credentials/v1';
export const DATA_INTEGRITY_V2_CONTEXT_URL = 'https://w3id.org/security/data-integrity/v2';
export const MULTIKEY_V1_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';
export const BITSTRING_STATUS_LIST_V1_CONTEXT_URL = 'https://www.w3.org/ns/credentials/status/v1';
export const DID_V1_CONTEXT_URL = 'https://www.w3.org/ns/did/v1';

const W3C_CONTEXT_URLS = [
  CREDENTIALS_V2_CONTEXT_URL,
  CREDENTIALS_V1_CONTEXT_URL,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  MULTIKEY_V1_CONTEXT_URL,
  BITSTRING_STATUS_LIST_V1_CONTEXT_URL,
] as const;

function pick(url: string): JsonLdContextDocument {
  for (const map of [credentialsContexts, dataIntegrityContexts, multikeyContexts, statusListContexts]) {
    const doc = map.get(url);
    if (doc) return doc;
  }
  throw new Error(`bundled context missing from its package: ${url}`);
}

/**
 * The W3C contexts this project bundles, taken from the @digitalbazaar context
 * packages (never fetched). Frozen copies: a caller cannot alter what a term
 * means for everyone else in the process.
 */
export const W3C_CONTEXTS: ReadonlyMap<string, JsonLdContextDocument> = new Map(
  W3C_CONTEXT_URLS.map((url) => [url, deepFreeze(structuredClone(pick(url)))]),
);

/** `url → sha256-<base64>` of each context, for pinning in trust bundles. */
export function contextDigests(contexts: ReadonlyMap<string, JsonLdContextDocument>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [url, doc] of contexts) out[url] = jsonDigest(doc);
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
