// `pnpm bench` (`pnpm bench -- --quick` for short runs): every figure beside
// the plain-library baseline and the raw node:crypto primitive, measured in
// the same run on the same input; results in benchmark/results/latest.json.
import { loadavg } from 'node:os';
import { bulkFigures, measureBulk } from './bulk.js';
import { httpFigures, measureHttp } from './http.js';
import { buildInput, TYPE } from './input.js';
import { describeMachine, machineLine } from './machine.js';
import { timeTasks } from './measure.js';
import { measureMemory, memoryFigure } from './memory.js';
import { operations } from './operations.js';
import { type RunOptions, runOptions } from './options.js';
import { printReport } from './report.js';
import { type RunResults, readLatest, writeResults } from './results.js';
import { countStatements, sdTargetNote } from './sd-statements.js';
import { evaluateTargets } from './targets.js';
import { figuresOf, rawRate, tasksOf } from './timed-figures.js';
import { buildWorld } from './world.js';

const started = performance.now();
let options: RunOptions;
try {
  options = runOptions(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const machine = describeMachine();
const log = (line: string) => console.error(line);
log(
  `${machineLine(machine)}\nMode: ${options.quick ? 'quick' : 'full'}. Building the input and the issuer → wallet → verifier chain…`,
);

const input = await buildInput();
const world = await buildWorld();
let results: RunResults;
try {
  const statements = await countStatements(input);
  const ops = operations(input, world);
  log(`Timing ${ops.length} operations (${TYPE}, ${input.claims} claims) and their baselines…`);
  const stats = await timeTasks(tasksOf(ops), options, log);
  const figures = figuresOf(ops, stats);
  const sd = figures.find((f) => f.key === 'issue.sd');
  if (!sd?.library) throw new Error('no library figure for ecdsa-sd-2023 issuance');
  sd.notes = [...(sd.notes ?? []), sdTargetNote(statements)];
  // The service signs ecdsa-sd-2023 by default: its throughput is compared with the library signing that suite.
  const baselines = { librarySdPerSecond: 1000 / sd.library.value, rawP256SignPerSecond: rawRate(stats, 'P-256 sign') };

  log(`Bulk issuance, ${options.bulkItems} cards…`);
  const bulk = await measureBulk(world.issuer, options.bulkItems);
  log(`HTTP issuance, ${options.httpSeconds} s at ${options.httpConcurrency.join(', ')} connections…`);
  const http = await measureHttp(world.issuer, options.httpConcurrency, options.httpSeconds);
  log('Idle verifier memory (child processes)…');
  const memory = await measureMemory(world);

  figures.push(...bulkFigures(bulk, baselines), ...httpFigures(http, baselines), memoryFigure(memory));
  results = {
    format: 1,
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine,
    durationSeconds: (performance.now() - started) / 1000,
    loadAtEnd: loadavg()[0] as number,
    figures,
    targets: evaluateTargets(figures, { statements, http, librarySdPerSecond: baselines.librarySdPerSecond }),
    facts: { input: { type: TYPE, claims: input.claims }, statements, bulk, http, memory, baselines },
  };
} finally {
  await world.close();
}
const previous = await readLatest();
printReport(results, previous);
console.log(`\nResults: ${await writeResults(results)}${previous ? ' (the run before: previous.json)' : ''}`);
