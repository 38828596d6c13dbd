import type { ExecutionContext } from 'ava';
import type { StepLog } from '../../src/lib/steps.js';
import { createWorld, type World } from '../../src/lib/world.js';

/** A fresh world for one test, closed (and its temp folder removed) when the test ends. */
export async function worldFor(t: ExecutionContext): Promise<World> {
  const world = await createWorld();
  t.teardown(() => world.close());
  return world;
}

/** `outcome[:codes]` per step, for exact comparisons. */
export function outcomes(steps: StepLog[]): string[] {
  return steps.map((s) => (s.codes ? `${s.outcome}:${s.codes.join(',')}` : s.outcome));
}

/** Every credential the presentation carries. */
export function credentialsOf(step: StepLog): Array<Record<string, unknown>> {
  const list = step.presentation?.verifiableCredential;
  return (Array.isArray(list) ? list : [list]) as Array<Record<string, unknown>>;
}
