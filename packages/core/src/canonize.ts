import jsonld from 'jsonld';
import type { DocumentLoader } from './document-loader.js';
import { toVneidError } from './lib/find-error.js';

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document, in safe mode (undefined
 * terms and relative IRIs are errors) with rdf-canonize's default work limit
 * (poison graphs abort). Always with our loader: jsonld's default one fetches.
 *
 * @throws {VneidError} JSONLD_SAFE_MODE_ERROR, CONTEXT_NOT_ALLOWED, MALFORMED_VALUE_ERROR.
 */
export async function canonize(document: unknown, options: { documentLoader: DocumentLoader }): Promise<string> {
  return canonizeWithLibrary(document, options);
}

/**
 * The reference path: jsonld.canonize on the whole document, every call.
 * {@link canonize} must produce the same bytes; tests and `pnpm bench` compare the two.
 *
 * @throws {VneidError} JSONLD_SAFE_MODE_ERROR, CONTEXT_NOT_ALLOWED, MALFORMED_VALUE_ERROR.
 */
export async function canonizeWithLibrary(
  document: unknown,
  options: { documentLoader: DocumentLoader },
): Promise<string> {
  try {
    return await jsonld.canonize(document, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      documentLoader: options.documentLoader,
      safe: true,
      base: null,
    });
  } catch (error) {
    throw toVneidError(error, 'MALFORMED_VALUE_ERROR', 'document cannot be canonicalized');
  }
}
