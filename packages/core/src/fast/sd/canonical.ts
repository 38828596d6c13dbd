import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';
import type { DocumentLoader } from '../../document-loader.js';
import { type RdfTemplate, valuesFit } from '../compile-template.js';
import type { CompiledNQuads } from '../compiled-nquads.js';
import { type DocumentShape, describeShape } from '../document-shape.js';
import { SD_BLANK_LABEL } from '../library-internals.js';
import { TO_RDF_OPTIONS } from '../rdf-terms.js';
import { compiledNQuadsOf, templateFor, termsWithColon } from '../template-cache.js';
import { labelledCanonical } from './labelled-canonical.js';

/** RDFC-1.0 canonical N-Quads and how many blank nodes they label (`c14n0` … `c14n{n-1}`). */
export interface CountedCanonical {
  nquads: string;
  blankNodes: number;
}

/** A document's shape with its compiled template, when the values fit it. */
export interface Templated {
  shape: DocumentShape;
  template: RdfTemplate;
  compiled: CompiledNQuads;
  termsWithColon: ReadonlySet<string>;
}

/** The compiled template of the document's shape (compiled on its second sighting), or `undefined`. */
export async function templated(
  document: Record<string, unknown>,
  documentLoader: DocumentLoader,
): Promise<Templated | undefined> {
  const shape = describeShape(document);
  const template = await templateFor(document, shape, documentLoader);
  if (!template) return undefined;
  const terms = await termsWithColon(document['@context'], documentLoader);
  if (!terms || !valuesFit(template, shape, terms)) return undefined;
  return { shape, template, compiled: compiledNQuadsOf(template), termsWithColon: terms };
}

/**
 * The canonical form of a document through its compiled template, with the
 * number of blank nodes the canonicalization labelled, which di-sd-primitives
 * reads from rdf-canonize's `canonicalIdMap`. Filling a template adds no
 * blank node and removes none (a repeated line keeps its twin, which names
 * the same blank nodes), so that number is the template's.
 * `undefined` when the shape has no template (yet): the caller asks the library.
 */
export async function canonicalThroughTemplate(
  document: Record<string, unknown>,
  documentLoader: DocumentLoader,
): Promise<CountedCanonical | undefined> {
  const t = await templated(document, documentLoader);
  if (!t) return undefined;
  const { lines } = await labelledCanonical(t.template, t.compiled, t.shape.slots);
  return { nquads: [...new Set(lines)].sort().join(''), blankNodes: t.compiled.linesOfBlank.size };
}

/** The same through jsonld and rdf-canonize, as di-sd-primitives' `canonicalize` runs them. */
export async function canonicalThroughLibrary(
  document: Record<string, unknown>,
  documentLoader: DocumentLoader,
): Promise<CountedCanonical> {
  const dataset = await jsonld.toRDF(document, { ...TO_RDF_OPTIONS, documentLoader });
  const canonicalIdMap = new Map<string, string>();
  const nquads = await rdfCanonize.canonize(dataset, { algorithm: 'RDFC-1.0', canonicalIdMap });
  return { nquads, blankNodes: canonicalIdMap.size };
}

const BLANK_LABEL = SD_BLANK_LABEL;

/**
 * di-sd-primitives' `labelReplacementCanonicalizeNQuads` after its
 * canonicalization step, character for character: every `_:label` in a
 * line (inside literals too) becomes `_:` + the new label of the canonical
 * label, `_:undefined` when the label is not a canonical one or has no new
 * label, and the lines are sorted by UTF-16 code units.
 */
export function relabelStatements(
  canonical: CountedCanonical,
  newLabelOf: (canonicalLabel: string) => string | undefined,
): string[] {
  const replacement = new Map<string, string | undefined>();
  for (let i = 0; i < canonical.blankNodes; i++) replacement.set(`c14n${i}`, newLabelOf(`c14n${i}`));
  const replace = (_match: string, _whole: string, label: string) => `_:${replacement.get(label)}`;
  const lines = canonical.nquads.split('\n');
  lines.pop();
  const out = new Array<string>(lines.length);
  for (let i = 0; i < lines.length; i++) out[i] = `${lines[i]!.replace(BLANK_LABEL, replace)}\n`;
  return out.sort();
}
