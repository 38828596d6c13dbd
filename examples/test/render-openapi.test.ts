import { readFile } from 'node:fs/promises';
import { openApiDocument } from '@vneid/issuer';
import test from 'ava';
import { renderOpenApi } from '../src/lib/openapi-markdown.js';

const committed = new URL('../../docs/api.md', import.meta.url);

test('docs/api.md is exactly what the issuer’s OpenAPI document renders to (regenerate: pnpm --filter @vneid/examples docs)', async (t) => {
  t.is(await readFile(committed, 'utf8'), renderOpenApi(openApiDocument));
});

test('every path and method of the OpenAPI document has a row and a section', (t) => {
  const markdown = renderOpenApi(openApiDocument);
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const method of Object.keys(item)) {
      t.true(markdown.includes(`| ${method.toUpperCase()} | [\`${path}\`]`), `${method} ${path} row`);
      t.true(markdown.includes(`### ${method.toUpperCase()} ${path}\n`), `${method} ${path} section`);
    }
  }
  t.true(markdown.includes('| `credential.credentialSubject` | object | yes |'));
});

test('a changed OpenAPI document renders differently (the comparison can fail)', (t) => {
  const changed = structuredClone(openApiDocument) as unknown as { paths: Record<string, unknown> };
  changed.paths['/credentials/extra'] = { get: { summary: 'Extra', responses: { '200': { description: 'ok' } } } };
  t.not(renderOpenApi(changed), renderOpenApi(openApiDocument));
  t.true(renderOpenApi(changed).includes('| GET | [`/credentials/extra`]'));
});
