// The shape of one measured figure and how it compares with its baselines.

/** Units: a duration per operation (lower is better), a rate (higher is better) or resident memory. */
export type Unit = 'ms' | 'items/s' | 'req/s' | 'MB';

export interface Stat {
  /** For timed operations the median latency: robust to the pauses a shared machine causes. */
  value: number;
  /** Mean latency, and tinybench's relative margin of error of the mean in percent (timed operations only). */
  mean?: number;
  rme?: number;
  samples?: number;
}

export interface Baseline extends Stat {
  /** What was measured, e.g. `signCredentialWithLibrary` or `Ed25519 sign`. */
  label: string;
}

export interface Figure {
  /** Stable id: the results file and the change against the previous run use it. */
  key: string;
  name: string;
  unit: Unit;
  ours: Stat;
  /** The plain-library baseline measured in the same run on the same input. */
  library?: Baseline;
  /** The raw node:crypto primitive on the same curve (or, for memory, a bare Node process). */
  raw?: Baseline;
  notes?: string[];
}

export interface Target {
  key: string;
  text: string;
  verdict: 'PASS' | 'MISS' | 'N/A';
  measured: string;
}

const isRate = (unit: Unit) => unit === 'items/s' || unit === 'req/s';

/** How many times faster than the library (>1 is faster); for memory, ours / library. */
export function speedup(f: Figure): number | undefined {
  if (!f.library) return undefined;
  if (f.unit === 'MB') return f.ours.value / f.library.value;
  return isRate(f.unit) ? f.ours.value / f.library.value : f.library.value / f.ours.value;
}

/** What one operation costs in raw primitive operations; for memory, ours / bare process. */
export function rawMultiple(f: Figure): number | undefined {
  if (!f.raw) return undefined;
  return isRate(f.unit) ? f.raw.value / f.ours.value : f.ours.value / f.raw.value;
}

/** Relative change of a figure against an earlier value, positive = better. */
export function improvement(unit: Unit, now: number, before: number): number {
  return isRate(unit) ? now / before - 1 : before / now - 1;
}
