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
  /** Credentials per bulk configuration (at least the issuer's worker threshold, 32). */
  bulkItems: number;
  /** Batches those items are issued in, interleaved across the configurations. */
  bulkBatches: number;
  /** Seconds of load per HTTP concurrency level, per suite. */
  httpSeconds: number;
  httpConcurrency: readonly number[];
  /** Seconds of each fixed-rate HTTP run (two per suite). */
  httpRateSeconds: number;
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
        bulkBatches: 2,
        httpSeconds: 2,
        httpConcurrency: [1, 8, 32],
        httpRateSeconds: 3,
      }
    : {
        quick,
        taskMs: 1500,
        warmupMs: 300,
        minSamples: 32,
        bulkItems: 300,
        bulkBatches: 3,
        httpSeconds: 8,
        httpConcurrency: [1, 8, 32],
        httpRateSeconds: 12,
      };
}
