import {
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  type DidDocument,
  type DocumentLoader,
  type JsonLdContextDocument,
} from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';
import type { IssuerContext } from './context.js';
import { publishedKeys } from './key-windows.js';
import type { MinistryRecord } from './types.js';

/**
 * A ministry's DID document: every key it ever had (retired ones still
 * verify what they signed) and one staged to sign later, all usable for
 * assertion; only a key withdrawn before its turn came (it never signed) is
 * left out. The window in which each key may sign is published in the trust
 * bundle, not here.
 */
export function didDocumentOf(ministry: MinistryRecord): DidDocument {
  return createDidDocument({
    did: ministry.did,
    verificationMethods: publishedKeys(ministry).map((k) => ({ id: k.id, publicKeyMultibase: k.publicKeyMultibase })),
    authentication: [],
  });
}

/** Contexts of every registered credential type, read at call time so that types registered later count. */
export function typeContexts(): Map<string, JsonLdContextDocument> {
  return registeredContexts() as Map<string, JsonLdContextDocument>;
}

/**
 * The issuer's static loader: bundled W3C contexts, registered type contexts,
 * its own DID documents (read at call time, so added ministries and keys
 * count). Kept per issuer: the fast path caches compiled templates and keys
 * per loader, and a loader per credential ran every in-thread issuance at
 * library speed. Renewed only when the registered contexts change.
 */
export function issuerLoader(ctx: IssuerContext): DocumentLoader {
  const contexts = typeContexts();
  for (const [url, doc] of ctx.generalContexts) contexts.set(url, doc);
  const kept = keptLoaders.get(ctx);
  if (kept && sameContexts(kept.contexts, contexts)) return kept.loader;
  const loader = createDocumentLoader({
    contexts,
    resolver: createOfflineDidResolver({ documents: () => ctx.storage.ministries().map(didDocumentOf) }),
  });
  keptLoaders.set(ctx, { contexts, loader });
  return loader;
}

const keptLoaders = new WeakMap<
  IssuerContext,
  { contexts: Map<string, JsonLdContextDocument>; loader: DocumentLoader }
>();

function sameContexts(a: ReadonlyMap<string, object>, b: ReadonlyMap<string, object>): boolean {
  if (a.size !== b.size) return false;
  for (const [url, context] of a) if (b.get(url) !== context) return false;
  return true;
}
