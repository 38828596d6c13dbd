import test from 'ava';
import { canonize, createDocumentLoader } from '../src/index.js';

const documentLoader = createDocumentLoader();

test('a poison graph (a clique of blank nodes) is refused by the work limit instead of running for seconds', async (t) => {
  const n = 12;
  const nodes = Array.from({ length: n }, (_, i) => ({
    '@id': `_:b${i}`,
    'https://example.org/linked': Array.from({ length: n }, (_, j) => ({ '@id': `_:b${j}` })).filter((_, j) => j !== i),
  }));
  const error = await t.throwsAsync(canonize({ '@graph': nodes }, { documentLoader }));
  // rdf-canonize reports the limit with a plain Error; we surface it as a malformed value.
  t.is((error as { code?: string }).code, 'MALFORMED_VALUE_ERROR');
});

test('a relative IRI fails in safe mode instead of silently dropping out of the canonical form', async (t) => {
  const doc = {
    '@context': { knows: { '@id': 'https://example.org/knows', '@type': '@id' } },
    '@id': 'urn:x',
    knows: 'relative/path',
  };
  const error = await t.throwsAsync(canonize(doc, { documentLoader }));
  t.is((error as { code?: string }).code, 'JSONLD_SAFE_MODE_ERROR');
});
