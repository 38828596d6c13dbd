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
import { definedTerms, inlineContextProblem } from './inline-context.js';

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
 * context. Inline context objects are refused unless `inline` (the general
 * profile), and then only those that add new terms (`inlineContextProblem`).
 * A `@context` deeper in the document is held to the same rules; presentations'
 * credentials are checked on their own.
 *
 * @returns a reason when the context is refused.
 */
export function contextProblem(
  document: Record<string, unknown>,
  view: TrustView,
  options: { inline?: boolean; presentation?: boolean } = {},
): string | undefined {
  const lists: unknown[] = [document['@context']];
  const proof = document.proof;
  for (const p of Array.isArray(proof) ? proof : [proof]) {
    if (p && typeof p === 'object' && !Array.isArray(p) && '@context' in p) lists.push(p['@context']);
  }
  let pinnedTerms = new Set<string>();
  for (const [i, raw] of lists.entries()) {
    const list = typeof raw === 'string' || (raw && typeof raw === 'object' && !Array.isArray(raw)) ? [raw] : raw;
    if (!Array.isArray(list) || list.length === 0) return '@context must be a non-empty list';
    if (i === 0 && list[0] !== CREDENTIALS_V2_CONTEXT_URL && list[0] !== CREDENTIALS_V1_CONTEXT_URL) {
      return 'the first @context must be the W3C credentials context';
    }
    const problem = listProblem(list, view, options.inline === true, i === 0 ? new Set() : pinnedTerms);
    if (typeof problem === 'string') return problem;
    if (i === 0) pinnedTerms = problem;
  }
  const apart = options.presentation === true ? 'verifiableCredential' : 'proof';
  return nestedContextProblem(document, view, options.inline === true, pinnedTerms, apart);
}

// A reason, or the terms the list's pinned contexts define.
function listProblem(
  list: unknown[],
  view: TrustView,
  inline: boolean,
  outer: ReadonlySet<string>,
): string | Set<string> {
  const terms = new Set(outer);
  for (const entry of list) {
    if (typeof entry !== 'string') continue;
    const pinned = view.contexts.get(entry);
    if (!pinned) return `context is not pinned by the trust bundle: ${entry.slice(0, 200)}`;
    for (const term of definedTerms(pinned)) terms.add(term);
  }
  for (const entry of list) {
    if (typeof entry === 'string') continue;
    if (!inline) return 'inline @context definitions are not allowed';
    const problem = inlineContextProblem(entry, terms);
    if (problem) return problem;
  }
  return terms;
}

function nestedContextProblem(
  document: Record<string, unknown>,
  view: TrustView,
  inline: boolean,
  pinnedTerms: ReadonlySet<string>,
  apart: string,
): string | undefined {
  // The input passed the depth limits already; the walk is bounded by them.
  const walk = (node: unknown, top: boolean): string | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      for (const item of node) {
        const problem = walk(item, false);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [key, value] of Object.entries(node)) {
      // The top context and proofs are checked above, a presentation's credentials on their own.
      if (top && (key === '@context' || key === 'proof' || key === apart)) continue;
      if (key === '@context') {
        if (!inline) return 'a @context inside the document is not allowed';
        const list = Array.isArray(value) ? value : [value];
        const problem = listProblem(list, view, inline, pinnedTerms);
        if (typeof problem === 'string') return problem;
        continue;
      }
      const problem = walk(value, false);
      if (problem) return problem;
    }
    return undefined;
  };
  return walk(document, true);
}
