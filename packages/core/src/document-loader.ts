import { type JsonLdContextDocument, MULTIKEY_V1_CONTEXT_URL, W3C_CONTEXTS } from './contexts.js';
import { createOfflineDidResolver, type OfflineDidResolver } from './did/offline-resolver.js';
import { ContextNotAllowedError, DidNotFoundError } from './errors.js';

/** What jsonld and the Digital Bazaar libraries expect back from a loader. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: Record<string, unknown>;
}

/** A JSON-LD document loader: url → document. */
export type DocumentLoader = (url: string) => Promise<RemoteDocument>;

export interface DocumentLoaderOptions {
  /** Contexts beyond the bundled W3C ones (our document types'), by URL. */
  contexts?: ReadonlyMap<string, object>;
  /** Where DIDs and verification methods come from; default: did:key only. */
  resolver?: OfflineDidResolver;
}

/**
 * The static, offline document loader. It answers with bundled contexts and
 * with DID documents from an offline resolver, and refuses everything else —
 * in particular it never falls back to jsonld's network loader.
 *
 * @example
 * const documentLoader = createDocumentLoader({ contexts: registeredContexts() });
 * @throws {ContextNotAllowedError} CONTEXT_NOT_ALLOWED naming the URL.
 * @throws {DidNotFoundError} DID_NOT_FOUND for a DID the resolver does not hold.
 */
export function createDocumentLoader(options: DocumentLoaderOptions = {}): DocumentLoader {
  const contexts = new Map<string, JsonLdContextDocument>(W3C_CONTEXTS);
  for (const [url, doc] of options.contexts ?? []) contexts.set(url, doc as JsonLdContextDocument);
  const resolver = options.resolver ?? createOfflineDidResolver();

  return async function documentLoader(url: string): Promise<RemoteDocument> {
    if (typeof url !== 'string') throw new ContextNotAllowedError('document URL is not a string');
    const context = contexts.get(url);
    // structuredClone: jsonld may annotate what it is given; our copies stay pristine.
    if (context) return { contextUrl: null, documentUrl: url, document: structuredClone(context) };
    if (url.startsWith('did:')) return loadDid(url, resolver);
    throw new ContextNotAllowedError(`URL is not an allowed context or DID: ${url.slice(0, 200)}`, {
      details: { url: url.slice(0, 200) },
    });
  };
}

async function loadDid(url: string, resolver: OfflineDidResolver): Promise<RemoteDocument> {
  const hash = url.indexOf('#');
  const did = hash === -1 ? url : url.slice(0, hash);
  const doc = await resolver.resolve(did);
  if (hash === -1) return { contextUrl: null, documentUrl: url, document: structuredClone(doc) };
  const fragment = url.slice(hash);
  const vm = doc.verificationMethod.find((m) => m.id === url || m.id === fragment);
  if (!vm)
    throw new DidNotFoundError(`no verification method ${url.slice(0, 200)}`, { details: { url: url.slice(0, 200) } });
  return {
    contextUrl: null,
    documentUrl: url,
    document: { '@context': MULTIKEY_V1_CONTEXT_URL, ...structuredClone(vm), id: url, controller: did },
  };
}
