import test from 'ava';
import { getCredentialType, listCredentialTypes, registeredContexts, VNEID_VOCAB_BASE } from '../src/index.js';

const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';
const KEYWORDS = new Set(['@protected', '@version', '@vocab', '@base', '@language', '@propagate']);
const TERM_KEYS = new Set(['@id', '@type', '@container', '@context', '@protected']);

interface Node {
  type?: string;
  format?: string;
  properties?: Record<string, Node>;
  items?: Node;
}
type TermMap = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every schema property with the term definition in force for it, following property-scoped contexts. */
function termsFor(node: Node, terms: TermMap, prefix = ''): [string, Node, unknown][] {
  const object = node.items ?? node;
  return Object.entries(object.properties ?? {}).flatMap(([name, child]) => {
    const definition = terms[name];
    const scoped =
      isRecord(definition) && isRecord(definition['@context']) ? { ...terms, ...definition['@context'] } : terms;
    return [
      [`${prefix}/${name}`, child, definition] as [string, Node, unknown],
      ...termsFor(child, scoped, `${prefix}/${name}`),
    ];
  });
}

/** Syntax of one term map (JSON-LD 1.1 §9.15): absolute IRIs, known keys only, protected. */
function checkTermMap(t: import('ava').ExecutionContext, terms: TermMap, where: string): void {
  t.is(terms['@protected'], true, `${where} @protected`);
  for (const [name, definition] of Object.entries(terms)) {
    if (name.startsWith('@')) {
      t.true(KEYWORDS.has(name), `${where} keyword ${name}`);
      continue;
    }
    const iri = typeof definition === 'string' ? definition : isRecord(definition) ? definition['@id'] : undefined;
    t.true(typeof iri === 'string' && iri.startsWith(VNEID_VOCAB_BASE), `${where} ${name} IRI`);
    if (isRecord(definition)) {
      for (const key of Object.keys(definition)) t.true(TERM_KEYS.has(key), `${where} ${name} ${key}`);
      if (isRecord(definition['@context'])) checkTermMap(t, definition['@context'], `${where}/${name}`);
    }
  }
}

for (const definition of listCredentialTypes()) {
  const { type } = definition;
  const context = definition.context as { '@context': TermMap };

  test(`${type}: the context is a JSON-LD context document that survives JSON`, (t) => {
    t.deepEqual(Object.keys(context), ['@context']);
    t.true(isRecord(context['@context']));
    t.deepEqual(JSON.parse(JSON.stringify(context)), context);
    checkTermMap(t, context['@context'], type);
    t.is(context['@context'][type], `${VNEID_VOCAB_BASE}${type}`);
  });

  test(`${type}: every schema property at every depth is defined as a term (safe mode)`, (t) => {
    for (const [pointer, node, term] of termsFor(definition.subjectSchema as Node, context['@context'])) {
      if (pointer === '/id') {
        t.is(term, undefined, 'id comes from the credentials v2 context');
        continue;
      }
      t.true(isRecord(term), `${pointer} has a term`);
      if (!isRecord(term)) continue;
      t.is(term['@id'], `${VNEID_VOCAB_BASE}${pointer.split('/').at(-1)}`, `${pointer} IRI`);
      if (node.format === 'date') t.is(term['@type'], XSD_DATE, `${pointer} is xsd:date`);
      if (node.type === 'integer') t.is(term['@type'], XSD_INTEGER, `${pointer} is xsd:integer`);
      if (node.type === 'object' || node.type === 'array')
        t.true(isRecord(term['@context']), `${pointer} scoped context`);
    }
  });
}

test('a field shared by several types has one IRI in every context', (t) => {
  const seen = new Map<string, string>();
  for (const definition of listCredentialTypes()) {
    for (const [name, term] of Object.entries((definition.context as { '@context': TermMap })['@context'])) {
      if (!isRecord(term)) continue;
      const serialised = JSON.stringify({ '@id': term['@id'], '@type': term['@type'] });
      t.is(seen.get(name) ?? serialised, serialised, name);
      seen.set(name, serialised);
    }
  }
  t.is(
    seen.get('personalIdentificationNumber'),
    JSON.stringify({ '@id': `${VNEID_VOCAB_BASE}personalIdentificationNumber` }),
  );
});

test('the personal identification number term is the very same in the four built-in contexts', (t) => {
  const terms = ['CitizenIdentityCard', 'DrivingLicence', 'UniversityDegree', 'HealthInsuranceCard'].map(
    (type) => (getCredentialType(type).context as { '@context': TermMap })['@context'].personalIdentificationNumber,
  );
  t.true(terms.every((term) => term === terms[0]));
  t.is(registeredContexts().size, listCredentialTypes().length);
});
