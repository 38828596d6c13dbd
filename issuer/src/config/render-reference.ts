/** Writes docs/configuration.md from the settings table. */
import { writeFile } from 'node:fs/promises';
import { renderConfigurationReference } from './settings.js';

const out = process.argv[2] ?? new URL('../../../docs/configuration.md', import.meta.url).pathname;
await writeFile(out, renderConfigurationReference());
console.log(`wrote ${out}`);
