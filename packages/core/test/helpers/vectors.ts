import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonLdContextDocument } from '../../src/index.js';

/** The W3C vectors live once, read-only, beside the repository (../shared/vectors). */
export const VECTORS_DIR = resolve(
  process.env.VNEID_VECTORS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/vectors'),
);

export function readVector(path: string): string {
  return readFileSync(join(VECTORS_DIR, path), 'utf8');
}

export function readVectorJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readVector(path)) as T;
}

/** The example contexts the vectors use; test-only, never in a production loader. */
export const VECTOR_CONTEXTS: ReadonlyMap<string, JsonLdContextDocument> = new Map([
  ['https://www.w3.org/ns/credentials/examples/v2', readVectorJson('vc-data-model/contexts/credentials/examples/v2')],
  ['https://w3id.org/citizenship/v4rc1', readVectorJson('citizenship-vocab/contexts/citizenship-v4rc1.jsonld')],
]);
