// N-Quads escaping exactly as rdf-canonize 5 serializes (lib/NQuads.js):
// canonical forms are compared byte for byte, so these must not drift — a
// test checks them against rdf-canonize's serializer for every code point
// below 0x80 and for random Unicode.

import { NQUADS_IRI_ESCAPE, NQUADS_LITERAL_ESCAPE } from './library-internals.js';
import type { Term } from './rdf-terms.js';

// The escaped character classes are rdf-canonize's, behind the adapter.
const IRI_ESCAPE = NQUADS_IRI_ESCAPE;
const LITERAL_ESCAPE = NQUADS_LITERAL_ESCAPE;

const uchar = (c: string) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
const ECHAR: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
  '\\': '\\\\',
};

export function escapeIri(text: string): string {
  return text.replace(IRI_ESCAPE, uchar);
}

export function escapeLiteral(text: string): string {
  return text.replace(LITERAL_ESCAPE, (c) => ECHAR[c] ?? uchar(c));
}

const RDF_LANGSTRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/** What follows a literal's closing quote: `@lang`, `^^<datatype>` or nothing (xsd:string). */
export function literalSuffix(datatype: string, language: string | undefined): string {
  if (datatype === RDF_LANGSTRING) return language ? `@${language}` : '';
  if (datatype === XSD_STRING) return '';
  return `^^<${escapeIri(datatype)}>`;
}

/** A non-blank term as it appears in an N-Quad (blank nodes are labelled by the caller). */
export function termText(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${escapeIri(term.value)}>`;
    case 'Literal':
      return `"${escapeLiteral(term.value)}"${literalSuffix(term.datatype.value, term.language)}`;
    case 'BlankNode':
      return `_:${term.value}`;
    default:
      return '';
  }
}
