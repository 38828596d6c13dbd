// Which statements ecdsa-sd-2023 puts in its mandatory and combined groups
// is decided by JSON pointers over the skolemized, recompacted document
// (di-sd-primitives canonicalizeAndGroup). Rather than re-implement that
// pipeline, the fast path *learns* the grouping from the library: the first
// time a template meets a set of pointers, the library signs or derives,
// and the statements it grouped are traced back to the template quads they
// come from. Documents of the same template then get the same grouping
// (plan-guards.ts states when that carries over) without the library.
import type { RdfTemplate } from '../compile-template.js';

/** Per template quad, 1 when its statement belongs to the group. */
export type QuadSet = Uint8Array;

export interface SignPlan {
  mandatory: QuadSet;
}

export interface DerivePlan {
  mandatory: QuadSet;
  /** Mandatory and selectively disclosed: what the derived credential shows. */
  combined: QuadSet;
}

const MAX_PLANS_PER_TEMPLATE = 64;

/** `null`: the library's grouping could not be learned here (the shape stays with the library). */
const plans = new WeakMap<RdfTemplate, Map<string, SignPlan | DerivePlan | null>>();

export function planKey(kind: 'sign' | 'derive', ...pointerLists: readonly string[][]): string {
  return JSON.stringify([kind, ...pointerLists]);
}

export function storedPlan<P extends SignPlan | DerivePlan>(template: RdfTemplate, key: string): P | null | undefined {
  return plans.get(template)?.get(key) as P | null | undefined;
}

export function storePlan(template: RdfTemplate, key: string, plan: SignPlan | DerivePlan | null): void {
  let byKey = plans.get(template);
  if (!byKey) {
    byKey = new Map();
    plans.set(template, byKey);
  }
  if (byKey.size >= MAX_PLANS_PER_TEMPLATE) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, plan);
}

/** The template quads whose statements are in `statements`. */
export function quadSetOf(statementOf: number[], statements: ReadonlySet<number>): QuadSet {
  const out = new Uint8Array(statementOf.length);
  for (let i = 0; i < statementOf.length; i++) if (statements.has(statementOf[i]!)) out[i] = 1;
  return out;
}
