// RDF terms in the shape jsonld.toRDF produces and rdf-canonize consumes.

export interface NamedNode {
  termType: 'NamedNode';
  value: string;
}
export interface BlankNode {
  termType: 'BlankNode';
  value: string;
}
export interface Literal {
  termType: 'Literal';
  value: string;
  datatype: NamedNode;
  language?: string;
}
export interface DefaultGraph {
  termType: 'DefaultGraph';
  value: '';
}
export type Term = NamedNode | BlankNode | Literal | DefaultGraph;

export interface Quad {
  subject: Term;
  predicate: Term;
  object: Term;
  graph: Term;
}

export const QUAD_POSITIONS = ['subject', 'predicate', 'object', 'graph'] as const;
export type QuadPosition = (typeof QUAD_POSITIONS)[number];

export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/**
 * The options every canonicalization here runs with — the same ones the
 * eddsa-rdfc-2022 and ecdsa-rdfc-2019 suites pass to jsonld.toRDF, so a
 * canonical form computed here is the one the proofs sign.
 */
export const TO_RDF_OPTIONS = Object.freeze({
  base: null,
  safe: true,
  rdfDirection: 'i18n-datatype',
  produceGeneralizedRdf: false,
});
