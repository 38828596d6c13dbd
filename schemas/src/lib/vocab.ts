import { VNEID_VOCAB_BASE } from '../constants.js';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** A JSON-LD term definition; the IRI is derived from the term name so one name is one IRI everywhere. */
export function term(name: string): { '@id': string } {
  return { '@id': `${VNEID_VOCAB_BASE}${name}` };
}

/** A term whose values are `YYYY-MM-DD` dates. */
export function dateTerm(name: string): { '@id': string; '@type': string } {
  return { '@id': `${VNEID_VOCAB_BASE}${name}`, '@type': `${XSD}date` };
}

/** A term whose values are integers. */
export function integerTerm(name: string): { '@id': string; '@type': string } {
  return { '@id': `${VNEID_VOCAB_BASE}${name}`, '@type': `${XSD}integer` };
}

/** The term of a credential type name. */
export function typeTerm(type: string): string {
  return `${VNEID_VOCAB_BASE}${type}`;
}
