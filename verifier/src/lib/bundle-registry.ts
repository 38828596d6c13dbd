import type { TrustBundle } from '../types.js';

// Bundles that passed `loadTrustBundle` (signature and shape checked). The
// verification functions accept only these, so that an unsigned or edited
// object can never be handed to them by mistake.
const loaded = new WeakSet<object>();

export function markLoaded(bundle: Readonly<TrustBundle>): void {
  loaded.add(bundle);
}

export function isLoaded(bundle: unknown): bundle is Readonly<TrustBundle> {
  return typeof bundle === 'object' && bundle !== null && loaded.has(bundle);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
