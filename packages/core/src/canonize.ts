import type { DocumentLoader } from './document-loader.js';
import { canonizeThroughLibrary } from './fast/canonize-fast.js';
import { fastAnswer } from './fast/door.js';
import { toVneidError } from './lib/find-error.js';

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document, in safe mode (undefined
 * terms and relative IRIs are errors) with rdf-canonize's default work limit
 * (poison graphs abort). Always with our loader: jsonld's default one fetches.
 * Documents of a shape seen before go through a compiled template (no
 * context processing); the bytes are the library's.
 *
 * @throws {VneidError} JSONLD_SAFE_MODE_ERROR, CONTEXT_NOT_ALLOWED, MALFORMED_VALUE_ERROR.
 */
export async function canonize(
  document: unknown,
  options: { documentLoader: DocumentLoader; fastPath?: boolean },
): Promise<string> {
  try {
    const { documentLoader } = options;
    return (
      (await fastAnswer('canonize', { document, documentLoader }, options.fastPath)) ??
      (await canonizeThroughLibrary(document, documentLoader))
    );
  } catch (error) {
    throw toVneidError(error, 'MALFORMED_VALUE_ERROR', 'document cannot be canonicalized');
  }
}

/**
 * The reference path: jsonld.toRDF and rdf-canonize on the whole document,
 * every call, with the options the eddsa-rdfc-2022 and ecdsa-rdfc-2019
 * suites use. {@link canonize} must produce the same bytes; tests and
 * `pnpm bench` compare the two.
 *
 * @throws {VneidError} JSONLD_SAFE_MODE_ERROR, CONTEXT_NOT_ALLOWED, MALFORMED_VALUE_ERROR.
 */
export async function canonizeWithLibrary(
  document: unknown,
  options: { documentLoader: DocumentLoader },
): Promise<string> {
  try {
    return await canonizeThroughLibrary(document, options.documentLoader);
  } catch (error) {
    throw toVneidError(error, 'MALFORMED_VALUE_ERROR', 'document cannot be canonicalized');
  }
}
