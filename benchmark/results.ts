// benchmark/results/latest.json and previous.json: each run's figures as
// JSON; the run before is kept beside it for the change report.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Figure, Target } from './figures.js';
import type { Machine } from './machine.js';

export interface RunResults {
  format: 1;
  date: string;
  mode: 'full' | 'quick';
  machine: Machine;
  durationSeconds: number;
  loadAtEnd: number;
  figures: Figure[];
  targets: Target[];
  facts: Record<string, unknown>;
}

// This module runs from benchmark/dist/; the results live beside the sources.
const DIR = fileURLToPath(new URL('../results/', import.meta.url));
const LATEST = `${DIR}latest.json`;
const PREVIOUS = `${DIR}previous.json`;

/** The last run's results, if there is a readable one. */
export async function readLatest(): Promise<RunResults | undefined> {
  try {
    const parsed = JSON.parse(await readFile(LATEST, 'utf8')) as RunResults;
    return parsed.format === 1 && Array.isArray(parsed.figures) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Moves latest.json to previous.json and writes this run as latest.json; returns its path. */
export async function writeResults(results: RunResults): Promise<string> {
  await mkdir(DIR, { recursive: true });
  try {
    await rename(LATEST, PREVIOUS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFile(LATEST, `${JSON.stringify(results, null, 2)}\n`);
  return LATEST;
}
