import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';
import type { DocumentLoader } from '../document-loader.js';
import { canonicalizeDataset } from './canonicalize-dataset.js';
import { fillTemplate, valuesFit } from './compile-template.js';
import { canonicalNQuads } from './compiled-nquads.js';
import { describeShape } from './document-shape.js';
import { TO_RDF_OPTIONS } from './rdf-terms.js';
import { compiledNQuadsOf, templateFor, termsWithColon } from './template-cache.js';

/**
 * RDFC-1.0 canonical N-Quads through a compiled template of the document's
 * shape when one applies, else through the library. Same bytes either way
 * (the property tests hold both paths to that).
 */
export async function canonizeFast(document: unknown, documentLoader: DocumentLoader): Promise<string> {
  return (await canonizeThroughTemplate(document, documentLoader)) ?? canonizeThroughLibrary(document, documentLoader);
}

/** The canonical N-Quads through a compiled template, or `undefined` when none applies (yet). */
export async function canonizeThroughTemplate(
  document: unknown,
  documentLoader: DocumentLoader,
): Promise<string | undefined> {
  if (document && typeof document === 'object' && !Array.isArray(document)) {
    const shape = describeShape(document);
    const template = await templateFor(document, shape, documentLoader);
    if (template) {
      const terms = await termsWithColon((document as Record<string, unknown>)['@context'], documentLoader);
      if (terms && valuesFit(template, shape, terms)) {
        return (
          canonicalNQuads(compiledNQuadsOf(template), shape.slots) ?? canonicalizeDataset(fillTemplate(template, shape))
        );
      }
    }
  }
  return undefined;
}

/** jsonld.toRDF then rdf-canonize, with the options the rdfc suites use. */
export async function canonizeThroughLibrary(document: unknown, documentLoader: DocumentLoader): Promise<string> {
  const dataset = await jsonld.toRDF(document, { ...TO_RDF_OPTIONS, documentLoader });
  return rdfCanonize.canonize(dataset, { algorithm: 'RDFC-1.0' });
}
