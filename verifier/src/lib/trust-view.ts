import {
  ContextNotAllowedError,
  CREDENTIALS_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  type DidDocument,
  type DocumentLoader,
  type JsonLdContextDocument,
  jsonDigest,
  W3C_CONTEXTS,
} from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';
import type { BundleIssuer, BundleVerificationMethod, TrustBundle } from '../types.js';

/** What one trust bundle lets a verifier resolve and accept, computed once per bundle. */
export interface TrustView {
  bundle: Readonly<TrustBundle>;
  issuers: ReadonlyMap<string, BundleIssuer>;
  /** The bundle entry of key `vm` listed under issuer `issuerId` (one key may serve several issuers). */
  keyFor(vm: string | undefined, issuerId: string | undefined): BundleVerificationMethod | undefined;
  /** Pinned contexts whose local copy matches the bundle's digest. */
  contexts: ReadonlyMap<string, JsonLdContextDocument>;
  /** Offline loader: pinned contexts, DID documents synthesized from the bundle, did:key. Nothing else. */
  documentLoader: DocumentLoader;
}

const cache = new WeakMap<object, WeakMap<object, TrustView>>();
const NO_EXTRA = new Map<string, JsonLdContextDocument>();

/**
 * The trust view of a (loaded, frozen) bundle. A context is usable only if
 * the bundle pins its URL AND the copy shipped with this verifier hashes to
 * the pinned digest: a context that changed meaning is refused, not loaded.
 */
export function trustView(
  bundle: Readonly<TrustBundle>,
  extraContexts: ReadonlyMap<string, JsonLdContextDocument> = NO_EXTRA,
): TrustView {
  let perBundle = cache.get(bundle);
  if (!perBundle) {
    perBundle = new WeakMap();
    cache.set(bundle, perBundle);
  }
  const hit = perBundle.get(extraContexts);
  if (hit) return hit;

  const local = new Map<string, JsonLdContextDocument>([
    ...W3C_CONTEXTS,
    ...(registeredContexts() as Map<string, JsonLdContextDocument>),
    ...extraContexts,
  ]);
  const contexts = new Map<string, JsonLdContextDocument>();
  for (const [url, digest] of Object.entries(bundle.contexts)) {
    const doc = local.get(url);
    if (doc && jsonDigest(doc) === digest) contexts.set(url, doc);
  }
  const issuers = new Map<string, BundleIssuer>();
  const keys = new Map<string, BundleVerificationMethod>();
  const documents: DidDocument[] = [];
  for (const issuer of bundle.issuers) {
    issuers.set(issuer.id, issuer);
    for (const method of issuer.verificationMethods) keys.set(`${issuer.id}\n${method.id}`, method);
    if (issuer.id.startsWith('did:web:')) {
      const own = issuer.verificationMethods.filter((m) => m.id.startsWith(`${issuer.id}#`));
      documents.push(createDidDocument({ did: issuer.id, verificationMethods: own }));
    }
  }
  const inner = createDocumentLoader({ contexts, resolver: createOfflineDidResolver({ documents }) });
  const documentLoader: DocumentLoader = async (url) => {
    // core's loader always knows the W3C contexts; here only pinned ones pass.
    if (typeof url === 'string' && (url.startsWith('did:') || contexts.has(url))) return inner(url);
    throw new ContextNotAllowedError(`context is not pinned by the trust bundle: ${String(url).slice(0, 200)}`, {
      details: { url: String(url).slice(0, 200) },
    });
  };
  const keyFor = (vm: string | undefined, issuerId: string | undefined) =>
    vm === undefined || issuerId === undefined ? undefined : keys.get(`${issuerId}\n${vm}`);
  const view: TrustView = { bundle, issuers, keyFor, contexts, documentLoader };
  perBundle.set(extraContexts, view);
  return view;
}

/**
 * Checks the `@context` of a credential or presentation (and of its proof)
 * before any JSON-LD processing: a list of pinned URLs starting with the VC
 * context. Inline context objects are refused: they could redefine a term.
 *
 * @returns a reason when the context is refused.
 */
export function contextProblem(document: Record<string, unknown>, view: TrustView): string | undefined {
  const lists: unknown[] = [document['@context']];
  const proof = document.proof;
  if (proof && typeof proof === 'object' && !Array.isArray(proof) && '@context' in proof) {
    lists.push((proof as Record<string, unknown>)['@context']);
  }
  for (const [i, raw] of lists.entries()) {
    const list = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(list) || list.length === 0) return '@context must be a non-empty list of URLs';
    if (i === 0 && list[0] !== CREDENTIALS_V2_CONTEXT_URL && list[0] !== CREDENTIALS_V1_CONTEXT_URL) {
      return 'the first @context must be the W3C credentials context';
    }
    for (const entry of list) {
      if (typeof entry !== 'string') return 'inline @context definitions are not allowed';
      if (!view.contexts.has(entry)) return `context is not pinned by the trust bundle: ${entry.slice(0, 200)}`;
    }
  }
  return undefined;
}
