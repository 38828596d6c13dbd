import * as rdfCanonize from 'rdf-canonize';
import { termText } from './nquads-escape.js';
import type { Quad } from './rdf-terms.js';

/**
 * RDFC-1.0 through rdf-canonize, in full (N-degree hashing, default work
 * limit), for filled-in templates whose blank nodes tie on their
 * first-degree hash. Repeated quads are dropped first, as jsonld's node map
 * would have.
 */
export function canonicalizeDataset(quads: Quad[]): Promise<string> {
  const seen = new Set<string>();
  const unique = quads.filter((q) => {
    const line = `${termText(q.subject)} ${termText(q.predicate)} ${termText(q.object)} ${termText(q.graph)}`;
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
  return rdfCanonize.canonize(unique, { algorithm: 'RDFC-1.0' });
}
