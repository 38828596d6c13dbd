import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { describeRuntime, type Runtime } from './runtime.js';

/** What the figures were measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** `git describe` of the work tree, `-dirty` when it has uncommitted changes. */
  commit: string;
  /** 1-minute load average when the run started: other work on the machine skews the milliseconds. */
  loadAtStart: number;
  /** Absent in runs made before the benchmark measured the built packages. */
  runtime?: Runtime;
}

/** @throws Error when the run would not measure the built packages under plain node. */
export function describeMachine(): Machine {
  const runtime = describeRuntime();
  const list = cpus();
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the figures stand without it.
  }
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit,
    loadAtStart: loadavg()[0] as number,
    runtime,
  };
}

export function machineLine(m: Machine): string {
  return `Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; commit ${m.commit}`;
}

/** A warning when the machine was busy with other work during the run. */
export function loadLine(m: Machine, loadAtEnd: number): string {
  const busy = Math.max(m.loadAtStart, loadAtEnd) > m.cores * 0.75;
  return (
    `Load average (1 min): ${m.loadAtStart.toFixed(1)} at start, ${loadAtEnd.toFixed(1)} at end, on ${m.cores} cores` +
    (busy ? ': the machine was shared with other work, read the ratios rather than the milliseconds.' : '.')
  );
}
