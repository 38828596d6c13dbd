import { fixtures } from '../src/index.js';

/** A mutable deep copy of a built-in fixture. */
export function copyOf<T extends keyof typeof fixtures>(type: T): Record<string, unknown> {
  return structuredClone(fixtures[type]) as Record<string, unknown>;
}

/** `pointer code` pairs, for exact comparisons. */
export function codes(errors: readonly { pointer: string; code: string }[]): string[] {
  return errors.map((e) => `${e.pointer} ${e.code}`);
}

export const BUILT_IN_TYPES = [
  'CitizenIdentityCard',
  'DrivingLicence',
  'UniversityDegree',
  'HealthInsuranceCard',
] as const;
