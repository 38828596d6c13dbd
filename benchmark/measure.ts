// One tinybench run over every timed task, so all figures of a row share the
// same process, warm-up policy and machine state.
import { Bench } from 'tinybench';
import type { Stat } from './figures.js';
import type { RunOptions } from './options.js';

export type TaskFn = () => unknown;

/** Runs each task for the run's time budget; returns its latency statistics (ms) per task name. */
export async function timeTasks(
  tasks: ReadonlyMap<string, TaskFn>,
  options: RunOptions,
  log: (line: string) => void,
): Promise<Map<string, Stat>> {
  const bench = new Bench({ time: options.taskMs, warmupTime: options.warmupMs, iterations: options.minSamples });
  for (const [name, fn] of tasks) bench.add(name, fn);
  bench.addEventListener('cycle', (event) => {
    const task = event.task;
    const r = task?.result;
    if (r?.state === 'completed')
      log(`  ${task?.name}: median ${r.latency.p50.toFixed(3)} ms, mean ${r.latency.mean.toFixed(3)} ms`);
  });
  await bench.run();
  const stats = new Map<string, Stat>();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state === 'errored') throw new Error(`benchmark task "${task.name}" failed`, { cause: result.error });
    if (result.state !== 'completed') throw new Error(`benchmark task "${task.name}" did not complete`);
    stats.set(task.name, {
      value: result.latency.p50,
      mean: result.latency.mean,
      rme: result.latency.rme,
      samples: result.latency.samplesCount,
    });
  }
  return stats;
}
