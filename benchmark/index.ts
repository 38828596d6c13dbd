// `pnpm bench` (`pnpm bench -- --quick` for short runs) builds the packages
// and this folder, then runs benchmark/dist/index.js with plain node: the
// product as it ships. Every figure beside the plain-library baseline and the
// raw node:crypto primitive, measured in the same run on the same input;
// results in benchmark/results/latest.json.
import { loadavg } from 'node:os';
import { bulkFigures, measureBulk, type SuiteBaseline } from './bulk.js';
import type { Figure } from './figures.js';
import { httpFigures, measureHttp } from './http.js';
import { buildInput, TYPE } from './input.js';
import { SERVICE_SIGNING_WORKERS } from './issuers.js';
import { describeMachine, type Machine, machineLine } from './machine.js';
import { timeTasks } from './measure.js';
import { measureMemory, memoryFigure } from './memory.js';
import { operations } from './operations.js';
import { type RunOptions, runOptions } from './options.js';
import { measureQrSizes, qrSizeLines } from './qr-sizes.js';
import { printReport } from './report.js';
import { type RunResults, readLatest, writeResults } from './results.js';
import { runtimeLine } from './runtime.js';
import { runScale } from './scale.js';
import { countStatements, sdTargetNote } from './sd-statements.js';
import { measureStatusSync, STATUS_LISTS } from './status-sync.js';
import { measureStorage, storageFigures } from './storage.js';
import { evaluateTargets } from './targets.js';
import { figuresOf, rawRate, tasksOf } from './timed-figures.js';
import { measureWeb, webFigure, webQrFigure } from './web-verifier.js';
import { buildWorld } from './world.js';

const started = performance.now();
let options: RunOptions;
let machine: Machine;
try {
  options = runOptions(process.argv.slice(2));
  machine = describeMachine();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const log = (line: string) => console.error(line);
if (options.scale) {
  // The scale run of issue 11 stands alone: `pnpm bench -- --scale [--scale-count N]`.
  await runScale(options.scale.count, (line) => console.log(line));
  process.exit(0);
}
log(
  `${machineLine(machine)}\n${runtimeLine(machine.runtime)}\n` +
    `Mode: ${options.quick ? 'quick' : 'full'}. Building the input and the issuer → wallet → verifier chain…`,
);

const input = await buildInput();
const world = await buildWorld();
let results: RunResults;
try {
  // Offline QR sizes (issue 14): printed with the run, sizes need no baseline.
  for (const line of qrSizeLines(await measureQrSizes())) console.log(line);
  const statements = await countStatements(input);
  const ops = operations(input, world);
  log(`Timing ${ops.length} operations (${TYPE}, ${input.claims} claims) and their baselines…`);
  const stats = await timeTasks(tasksOf(ops), options, log);
  const figures = figuresOf(ops, stats);
  const libraryFigure = (key: string): Figure & { library: NonNullable<Figure['library']> } => {
    const f = figures.find((x) => x.key === key);
    if (!f?.library) throw new Error(`no library figure for ${key}`);
    return f as Figure & { library: NonNullable<Figure['library']> };
  };
  const sdFigure = libraryFigure('issue.sd');
  sdFigure.notes = [...(sdFigure.notes ?? []), sdTargetNote(statements)];
  // Bulk and HTTP rates are compared with the library signing the same suite in one thread.
  const sd: SuiteBaseline = {
    suite: 'ecdsa-sd-2023',
    libraryPerSecond: 1000 / sdFigure.library.value,
    raw: 'P-256 sign',
    rawPerSecond: rawRate(stats, 'P-256 sign'),
  };
  const eddsa: SuiteBaseline = {
    suite: 'eddsa-rdfc-2022',
    libraryPerSecond: 1000 / libraryFigure('issue.eddsa').library.value,
    raw: 'Ed25519 sign',
    rawPerSecond: rawRate(stats, 'Ed25519 sign'),
  };
  const suites = [sd, eddsa];

  log(`Bulk issuance, ${options.bulkItems} cards per configuration in ${options.bulkBatches} batches…`);
  const bulk = await measureBulk(world.dir, options.bulkItems, options.bulkBatches);
  log(
    `HTTP issuance (${SERVICE_SIGNING_WORKERS} signing workers), ecdsa-sd-2023 and eddsa-rdfc-2022: ` +
      `${options.httpSeconds} s at ${options.httpConcurrency.join(', ')} connections, ` +
      `then 2 × ${options.httpRateSeconds} s at a fixed rate…`,
  );
  const http = await measureHttp(world.dir, {
    suites,
    levels: options.httpConcurrency,
    seconds: options.httpSeconds,
    rateSeconds: options.httpRateSeconds,
  });
  log('Idle verifier memory (child processes)…');
  const memory = await measureMemory(world);
  log(`Status sync of ${STATUS_LISTS} lists by prefix: full, then again after 1 % changed…`);
  const statusSync = await measureStatusSync(log);
  log('Web verifier: bundle size, verifyPresentation in chromium beside Node…');
  const web = await measureWeb(world, options.quick ? 20 : 100, options.quick ? 5 : 20);

  log('Issuer storage: PostgreSQL with 1 and 2 replicas, then p99 at a fixed rate on LevelDB and PostgreSQL…');
  const storage = await measureStorage(
    { seconds: options.storageSeconds, rateSeconds: options.storageRateSeconds },
    log,
  );

  figures.push(
    ...bulkFigures(bulk, sd),
    ...httpFigures(http, suites),
    memoryFigure(memory),
    webFigure(web),
    webQrFigure(web),
    ...storageFigures(storage, eddsa),
  );
  results = {
    format: 1,
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine,
    durationSeconds: (performance.now() - started) / 1000,
    loadAtEnd: loadavg()[0] as number,
    figures,
    targets: evaluateTargets(figures, { statements, bulk, http, suites }),
    facts: {
      input: { type: TYPE, claims: input.claims },
      statements,
      bulk,
      http,
      memory,
      statusSync,
      web,
      storage,
      baselines: suites,
    },
  };
} finally {
  await world.close();
}
const previous = await readLatest();
printReport(results, previous);
console.log(`\nResults: ${await writeResults(results)}${previous ? ' (the run before: previous.json)' : ''}`);
