import jsonld from 'jsonld';
import type { DocumentLoader } from '../document-loader.js';
import { type DocumentShape, SLOT_TOKEN, slotToken, withPlaceholders } from './document-shape.js';
import {
  type Literal,
  type NamedNode,
  QUAD_POSITIONS,
  type Quad,
  RDF_TYPE,
  type Term,
  TO_RDF_OPTIONS,
} from './rdf-terms.js';

/** A term whose value is `before + slot value (minus its prefix) + after`. */
export interface SlotTerm {
  termType: 'NamedNode' | 'Literal';
  slot: number;
  before: string;
  after: string;
  datatype?: NamedNode;
  language?: string;
}

export type TemplateTerm = Term | SlotTerm;

export interface TemplateQuad {
  subject: TemplateTerm;
  predicate: Term;
  object: TemplateTerm;
  graph: TemplateTerm;
}

/** The RDF of one document shape, with slot values still to fill in. */
export interface RdfTemplate {
  quads: TemplateQuad[];
  /**
   * Slots that name a node with properties (subject or graph position):
   * their values must differ from each other and from the constant node
   * IRIs, else jsonld would merge the nodes.
   */
  nodeSlots: number[];
  constantNodes: string[];
}

export type CompileOutcome =
  | { kind: 'template'; template: RdfTemplate }
  /** These slots decide more than their own value: keep them verbatim and compile again. */
  | { kind: 'verbatim'; slots: number[] }
  /** jsonld refused the probe for a reason no slot explains: the shape always takes the library path. */
  | { kind: 'unplannable' };

/**
 * Runs jsonld.toRDF once on the document with its slots replaced by
 * placeholder tokens and reads back where each token landed.
 *
 * A token is accepted only where the real value is provably copied through
 * unchanged: a plain-string slot only as the whole value of a literal
 * (jsonld copies strings into literals verbatim unless the term is typed
 * `@id`, `@vocab` or `@json`, which would show the token elsewhere or
 * altered); an IRI-like slot as the whole literal `prefix + token`, or inside
 * a node IRI that is not an `rdf:type` object (IRI expansion of
 * `scheme:rest` depends only on `scheme`, which is part of the shape, and
 * on `rest` starting with `//`, also part of the shape). A token anywhere
 * else — in a predicate, a datatype, a language tag, twice in one term, or
 * altered — makes that slot verbatim. Safe-mode errors that name a token do
 * the same; other errors mean the shape is never templated.
 */
export async function compileTemplate(
  document: unknown,
  shape: DocumentShape,
  verbatim: ReadonlySet<number>,
  documentLoader: DocumentLoader,
): Promise<CompileOutcome> {
  const probe = withPlaceholders(document, shape, verbatim);
  let dataset: Quad[];
  try {
    dataset = (await jsonld.toRDF(probe as object, { ...TO_RDF_OPTIONS, documentLoader })) as Quad[];
  } catch (error) {
    const named = tokensIn(describeError(error));
    return named.length > 0 ? { kind: 'verbatim', slots: named } : { kind: 'unplannable' };
  }
  const culprits = new Set<number>();
  const nodeSlots = new Set<number>();
  const constantNodes = new Set<string>();
  const quads: TemplateQuad[] = [];
  for (const quad of dataset) {
    for (const slot of tokensIn(quad.predicate.value)) culprits.add(slot);
    const out = { predicate: quad.predicate } as TemplateQuad;
    for (const position of QUAD_POSITIONS) {
      if (position === 'predicate') continue;
      const term = quad[position];
      const mapped = templateTerm(term, shape, culprits, position === 'object' && quad.predicate.value === RDF_TYPE);
      if (position !== 'object') {
        if (mapped) nodeSlots.add(mapped.slot);
        else if (term.termType === 'NamedNode') constantNodes.add(term.value);
      }
      out[position] = mapped ?? term;
    }
    quads.push(out);
  }
  if (culprits.size > 0) return { kind: 'verbatim', slots: [...culprits] };
  return { kind: 'template', template: { quads, nodeSlots: [...nodeSlots], constantNodes: [...constantNodes] } };
}

function templateTerm(
  term: Term,
  shape: DocumentShape,
  culprits: Set<number>,
  isTypeObject: boolean,
): SlotTerm | undefined {
  const found = tokensIn(term.value);
  if (term.termType === 'Literal') {
    for (const slot of tokensIn(term.datatype.value)) culprits.add(slot);
    for (const slot of tokensIn(term.language ?? '')) culprits.add(slot);
  }
  if (found.length === 0) return undefined;
  if (found.length > 1 || term.termType === 'BlankNode' || term.termType === 'DefaultGraph' || isTypeObject) {
    for (const slot of found) culprits.add(slot);
    return undefined;
  }
  const slot = found[0]!;
  const { prefix, iri } = shape.slots[slot]!;
  const placeholder = prefix + slotToken(slot);
  if (term.termType === 'Literal') {
    if (term.value !== placeholder) {
      culprits.add(slot);
      return undefined;
    }
    const out: SlotTerm = { termType: 'Literal', slot, before: prefix, after: '', datatype: term.datatype };
    if (term.language !== undefined) out.language = term.language;
    return out;
  }
  // A node IRI: only IRI-like slots, whose expansion keeps the token's tail.
  const at = term.value.indexOf(slotToken(slot));
  if (!iri) {
    culprits.add(slot);
    return undefined;
  }
  return {
    termType: 'NamedNode',
    slot,
    before: term.value.slice(0, at),
    after: term.value.slice(at + slotToken(slot).length),
  };
}

function tokensIn(text: string): number[] {
  const out: number[] = [];
  for (const match of text.matchAll(SLOT_TOKEN)) out.push(Number(match[1]));
  return out;
}

function describeError(error: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return `${String((error as Error)?.message)} ${JSON.stringify(error, (_k, v) => {
      if (v && typeof v === 'object') {
        if (seen.has(v)) return undefined;
        seen.add(v);
      }
      return v;
    })}`;
  } catch {
    return String((error as Error)?.message);
  }
}

function literal(value: string, datatype: NamedNode, language: string | undefined): Literal {
  return language === undefined
    ? { termType: 'Literal', value, datatype }
    : { termType: 'Literal', value, datatype, language };
}

/**
 * Whether a document of the template's shape may be filled in: not when a
 * node id is used twice (jsonld would merge the nodes) or an IRI-like value
 * is itself a term of the contexts (`_expandIri` would map the whole string,
 * not its scheme).
 */
export function valuesFit(template: RdfTemplate, shape: DocumentShape, termsWithColon: ReadonlySet<string>): boolean {
  const { slots } = shape;
  for (const slot of slots) {
    if (slot.iri && termsWithColon.has(slot.value)) return false;
  }
  if (template.nodeSlots.length > 1 || template.constantNodes.length > 0) {
    const ids = new Set<string>(template.constantNodes);
    for (const i of template.nodeSlots) ids.add(slots[i]!.value);
    if (ids.size !== template.nodeSlots.length + template.constantNodes.length) return false;
  }
  return true;
}

/** The dataset of a document of the template's shape (after {@link valuesFit}). */
export function fillTemplate(template: RdfTemplate, shape: Pick<DocumentShape, 'slots'>): Quad[] {
  const { slots } = shape;
  const fill = (term: TemplateTerm): Term => {
    if (!('slot' in term)) return term;
    const slot = slots[term.slot]!;
    const value = term.before + slot.value.slice(slot.prefix.length) + term.after;
    return term.termType === 'NamedNode'
      ? { termType: 'NamedNode', value }
      : literal(value, term.datatype!, term.language);
  };
  const out: Quad[] = new Array(template.quads.length);
  for (let i = 0; i < template.quads.length; i++) {
    const q = template.quads[i]!;
    out[i] = { subject: fill(q.subject), predicate: q.predicate, object: fill(q.object), graph: fill(q.graph) };
  }
  return out;
}
