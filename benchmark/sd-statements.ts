// How many signatures an ecdsa-sd-2023 base proof needs: one per
// non-mandatory statement plus one over the mandatory hash. The target for
// issuing is 1.5 × that many raw P-256 signatures.
import type { JsonObject } from '@vneid/core';
import { canonizeWithLibrary } from '@vneid/core/testing';
import type { Input } from './input.js';
import { deriveWithLibrary } from './library.js';

export interface StatementCount {
  total: number;
  mandatory: number;
  nonMandatory: number;
  method: string;
}

const lines = (nquads: string) => nquads.split('\n').filter((l) => l.length > 0).length;

/**
 * Counts the canonical N-Quads of the unsigned credential and of a
 * derivation that discloses nothing beyond the mandatory pointers. This is
 * an approximation of the spec's mandatory/non-mandatory split (which works
 * on the skolemized statements): it assumes the mandatory-only derivation
 * shows exactly the mandatory statements.
 */
export async function countStatements(input: Input): Promise<StatementCount> {
  const base = input.signed['ecdsa-sd-2023'][0] as JsonObject;
  const { proof: _proof, ...unsigned } = base;
  const total = lines(await canonizeWithLibrary(unsigned, { documentLoader: input.documentLoader }));
  const { proof: _derivedProof, ...mandatoryOnly } = await deriveWithLibrary(base, [], input.documentLoader);
  const mandatory = lines(await canonizeWithLibrary(mandatoryOnly, { documentLoader: input.documentLoader }));
  return {
    total,
    mandatory,
    nonMandatory: total - mandatory,
    method: 'N-Quads lines of the full credential minus those of the mandatory-only derived credential',
  };
}

/** The sd issue target, spelled out for the report. */
export function sdTargetNote(count: StatementCount): string {
  return (
    `target 1.5 × (1 + n) = ${(1.5 * (1 + count.nonMandatory)).toFixed(1)} raw P-256 signs, ` +
    `n = ${count.total} statements − ${count.mandatory} mandatory = ${count.nonMandatory} (${count.method}; an approximation)`
  );
}
