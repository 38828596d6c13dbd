import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** What the figures were measured on. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  /** `git describe` of the work tree, `-dirty` when it has uncommitted changes. */
  commit: string;
}

export function describeMachine(): Machine {
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
  };
}

export function machineLine(m: Machine): string {
  return `Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; commit ${m.commit}`;
}
