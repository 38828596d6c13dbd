#!/usr/bin/env node
/**
 * Writes docs/api.md from the issuer's OpenAPI document:
 * `node --import=tsx --conditions=source examples/src/render-openapi.ts [out.md]`.
 */
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '@vneid/issuer';
import { renderOpenApi } from './lib/openapi-markdown.js';

const out = process.argv[2] ?? new URL('../../docs/api.md', import.meta.url).pathname;
await writeFile(out, renderOpenApi(openApiDocument));
console.log(`wrote ${out}`);
