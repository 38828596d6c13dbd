// Operations → named tinybench tasks → figures. Each raw primitive is one
// task, shared by every row that compares with it.
import type { Figure, Stat } from './figures.js';
import type { TaskFn } from './measure.js';
import type { Operation } from './operations.js';
import { RAW, type RawName } from './raw.js';

const oursTask = (op: Operation) => `${op.key} · ours`;
const libraryTask = (op: Operation) => `${op.key} · library`;
const rawTask = (name: RawName) => `raw · ${name}`;

export function tasksOf(ops: readonly Operation[]): Map<string, TaskFn> {
  const tasks = new Map<string, TaskFn>();
  for (const name of Object.keys(RAW) as RawName[]) tasks.set(rawTask(name), RAW[name]);
  for (const op of ops) {
    tasks.set(oursTask(op), op.ours);
    if (op.library) tasks.set(libraryTask(op), op.library.fn);
  }
  return tasks;
}

export function figuresOf(ops: readonly Operation[], stats: ReadonlyMap<string, Stat>): Figure[] {
  const stat = (name: string): Stat => {
    const s = stats.get(name);
    if (!s) throw new Error(`no measurement for ${name}`);
    return s;
  };
  return ops.map((op) => ({
    key: op.key,
    name: op.name,
    unit: 'ms' as const,
    ours: stat(oursTask(op)),
    ...(op.library ? { library: { label: op.library.label, ...stat(libraryTask(op)) } } : {}),
    raw: { label: op.raw, ...stat(rawTask(op.raw)) },
    ...(op.notes ? { notes: op.notes } : {}),
  }));
}

/** Operations per second of a raw primitive, from the same run. */
export function rawRate(stats: ReadonlyMap<string, Stat>, name: RawName): number {
  const s = stats.get(rawTask(name));
  if (!s) throw new Error(`no measurement for ${name}`);
  return 1000 / s.value;
}
