/**
 * A key-order-independent serialisation for comparing definitions. Functions
 * compare by source text, so the same definition loaded twice (e.g. once from
 * `src` and once from `dist`) is recognised as the same.
 */
export function canonical(value: unknown): string {
  if (typeof value === 'function') return JSON.stringify(`fn:${String(value)}`);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Freezes a definition's data so nothing can change a type after it was checked and registered. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
