import { readFile } from 'node:fs/promises';
import { parseJsonSafely } from '@vneid/core';
import { UsageError } from './usage-error.js';

/** Reads a JSON file from an operator with the same hygiene as an HTTP body (prototype keys, size, depth). */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read ${path}: ${(cause as Error).message}`);
  }
  return parseJsonSafely(text);
}
