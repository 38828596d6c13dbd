// How long each part of `pnpm bench` runs. `--quick` (`pnpm bench -- --quick`)
// keeps every measurement but shortens it, for iterating on the harness; its
// figures are noisier and are marked `quick` in the results file.

/** Durations and sizes of one run. */
export interface RunOptions {
  quick: boolean;
  /** tinybench time budget and warm-up per task, in ms. */
  taskMs: number;
  warmupMs: number;
  /** tinybench minimum samples per task. */
  minSamples: number;
  /** Credentials per bulk-issuance run (at least the issuer's worker threshold, 32). */
  bulkItems: number;
  /** Seconds of load per HTTP concurrency level. */
  httpSeconds: number;
  httpConcurrency: readonly number[];
}

/** Reads `--quick` from the command line (pnpm passes a lone `--` through; it is ignored). */
export function runOptions(argv: readonly string[]): RunOptions {
  const quick = argv.includes('--quick');
  const unknown = argv.filter((a) => a !== '--quick' && a !== '--');
  if (unknown.length > 0) throw new TypeError(`unknown argument ${unknown[0]}; the only option is --quick`);
  return quick
    ? {
        quick,
        taskMs: 250,
        warmupMs: 50,
        minSamples: 8,
        bulkItems: 48,
        httpSeconds: 2,
        httpConcurrency: [1, 8, 32],
      }
    : {
        quick,
        taskMs: 1500,
        warmupMs: 300,
        minSamples: 32,
        bulkItems: 200,
        httpSeconds: 10,
        httpConcurrency: [1, 8, 32],
      };
}
