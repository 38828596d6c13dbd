// XML Schema dateTime as VCDM 2.0 uses it, with a mandatory time zone. `Date.parse`
// alone accepts "2024", "Tue Mar 5" and other forms a signer never meant.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of a strict ISO 8601 date-time string, or `undefined`. */
export function parseDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length > 40 || !DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `now` as milliseconds; a TypeError for anything but a valid Date (caller misuse). */
export function nowMs(now: unknown): number {
  if (!(now instanceof Date) || !Number.isFinite(now.getTime())) throw new TypeError('now must be a valid Date');
  return now.getTime();
}
