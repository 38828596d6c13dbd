import { type DIDResolutionResult, type DIDResolver, Resolver } from 'did-resolver';
import { DidNotFoundError } from '../errors.js';
import type { DidDocument } from './did-document.js';
import { resolveDidKey } from './did-key.js';

/** Resolves DIDs and DID URLs without any network access. */
export interface OfflineDidResolver {
  /** The DID document, or throws DID_NOT_FOUND. */
  resolve(did: string): Promise<DidDocument>;
}

function notFound(error: string): DIDResolutionResult {
  return { didResolutionMetadata: { error }, didDocument: null, didDocumentMetadata: {} };
}

/**
 * A `did-resolver` Resolver that answers only from what it was given:
 * `did:key` is derived from the identifier itself, `did:web` documents come
 * from `documents` (a trust bundle or the issuer's own store). No method here
 * opens a connection.
 */
export function createOfflineDidResolver(
  options: { documents?: Iterable<DidDocument> | (() => Iterable<DidDocument>) } = {},
): OfflineDidResolver {
  const lookup = (did: string): DidDocument | undefined => {
    const docs = typeof options.documents === 'function' ? options.documents() : (options.documents ?? []);
    for (const doc of docs) if (doc.id === did) return doc;
    return undefined;
  };
  const key: DIDResolver = async (did) => {
    try {
      return { didResolutionMetadata: {}, didDocument: (await resolveDidKey(did)) as never, didDocumentMetadata: {} };
    } catch {
      return notFound('invalidDid');
    }
  };
  const web: DIDResolver = async (did) => {
    const doc = lookup(did);
    return doc
      ? { didResolutionMetadata: {}, didDocument: doc as never, didDocumentMetadata: {} }
      : notFound('notFound');
  };
  const resolver = new Resolver({ key, web }, { cache: false });
  return {
    async resolve(did: string): Promise<DidDocument> {
      let result: DIDResolutionResult;
      try {
        result = await resolver.resolve(did);
      } catch (cause) {
        throw new DidNotFoundError(`cannot resolve ${did.slice(0, 120)}`, { cause });
      }
      // did-resolver may return a document beside an error; the error wins.
      if (result.didResolutionMetadata.error || !result.didDocument) {
        throw new DidNotFoundError(`cannot resolve ${did.slice(0, 120)} offline`, {
          details: { did: did.slice(0, 120), error: result.didResolutionMetadata.error },
        });
      }
      const doc = result.didDocument as unknown as DidDocument;
      if (doc.id !== did) throw new DidNotFoundError(`resolved document id does not match ${did.slice(0, 120)}`);
      return doc;
    },
  };
}
