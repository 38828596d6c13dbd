import type { Violation } from '../violation.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The field if it is a `YYYY-MM-DD` string; rules skip anything else because the schema already reports it. */
export function dateField(subject: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = subject[name];
  return typeof value === 'string' && ISO_DATE.test(value) ? value : undefined;
}

/** The year of a `YYYY-MM-DD` string. */
export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

/**
 * DATE_ORDER at `/${later}` unless `earlier` is strictly before `later`.
 * ISO dates of equal length compare correctly as strings.
 */
export function mustPrecede(subject: Readonly<Record<string, unknown>>, earlier: string, later: string): Violation[] {
  const a = dateField(subject, earlier);
  const b = dateField(subject, later);
  if (a === undefined || b === undefined || a < b) return [];
  return [{ pointer: `/${later}`, code: 'DATE_ORDER', message: `${later} must be after ${earlier}` }];
}
