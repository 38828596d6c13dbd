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
  /** Seconds of each PostgreSQL saturating run (1 and 2 replicas) and of each fixed-rate storage run. */
  storageSeconds: number;
  storageRateSeconds: number;
  /** `--scale`: only the scale run of issue 11 (not in CI), with `--scale-count` credentials (default 1,000,000). */
  scale?: { count: number };
}

/** Reads `--quick`, `--scale` and `--scale-count N` (pnpm passes a lone `--` through; it is ignored). */
export function runOptions(argv: readonly string[]): RunOptions {
  const quick = argv.includes('--quick');
  const countAt = argv.indexOf('--scale-count');
  const countText = countAt >= 0 ? argv[countAt + 1] : undefined;
  if (countAt >= 0 && !/^[1-9][0-9]*$/.test(countText ?? '')) {
    throw new TypeError('--scale-count needs a positive whole number of credentials');
  }
  const known = new Set(['--quick', '--', '--scale', '--scale-count']);
  const unknown = argv.filter((a, i) => !known.has(a) && !(countAt >= 0 && i === countAt + 1));
  if (unknown.length > 0) {
    throw new TypeError(`unknown argument ${unknown[0]}; the options are --quick, --scale and --scale-count N`);
  }
  const scale = argv.includes('--scale') || countAt >= 0 ? { count: Number(countText ?? 1_000_000) } : undefined;
  return { ...durations(quick), ...(scale ? { scale } : {}) };
}

function durations(quick: boolean): RunOptions {
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
        storageSeconds: 3,
        storageRateSeconds: 3,
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
        storageSeconds: 8,
        storageRateSeconds: 10,
      };
}
