/**
 * Deterministic JSON (sorted keys, no whitespace) in the spirit of RFC 8785,
 * for digests of plain JSON documents such as contexts and trust bundles.
 * Numbers are serialized by JavaScript, which matches RFC 8785 for the
 * integers and short decimals these documents hold.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
