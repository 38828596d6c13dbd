import { AGE_THRESHOLDS, type AgeAttestationSubject } from '@vneid/schemas';

/** Vietnam has one time zone, UTC+7, no daylight saving: a birthday starts at 17:00 UTC the day before. */
const ICT_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;
/** Longest validity of an age attestation; see {@link ageAttestationFor}. */
export const AGE_ATTESTATION_MAX_DAYS = 30;

/** The instant (UTC) at which someone born on `dateOfBirth` turns `years`, at midnight Vietnam time. */
export function birthdayInstant(dateOfBirth: string, years: number): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!match) throw new TypeError('dateOfBirth must be YYYY-MM-DD');
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d)
    throw new TypeError('dateOfBirth is not a calendar date');
  // Date.UTC rolls 29 February over to 1 March in common years: that is when a leapling comes of age.
  return new Date(Date.UTC(y + years, m - 1, d) - ICT_OFFSET_MS);
}

/**
 * The subject and validity of an AgeAttestation for someone born on
 * `dateOfBirth` (from the citizen identity card), issued at `validFrom`.
 * Like ISO mDL `age_over_NN`, each threshold is a boolean. `validUntil` is
 * the earlier of the next threshold birthday (the attestation must not say
 * "under 16" once the holder is 16) and `validFrom` + 30 days: a short, fixed
 * cap, so that for most holders `validUntil` says nothing about the birthday.
 * When a threshold birthday falls inside the 30 days, `validUntil` does
 * reveal it; see examples/README.md.
 *
 * @example
 * ageAttestationFor('2010-12-10', new Date('2026-11-25T00:00:00Z'))
 * // { subject: { ageOver13: true, ageOver16: false, ageOver18: false }, validUntil: 2026-12-09T17:00:00Z }
 * @throws {TypeError} for a malformed date of birth or a birth after `validFrom`.
 */
export function ageAttestationFor(
  dateOfBirth: string,
  validFrom: Date,
): { subject: AgeAttestationSubject; validUntil: Date } {
  if (!(validFrom instanceof Date) || Number.isNaN(validFrom.getTime()))
    throw new TypeError('validFrom must be a Date');
  if (birthdayInstant(dateOfBirth, 0) > validFrom) throw new TypeError('dateOfBirth is after validFrom');
  const at = validFrom.getTime();
  const reached = (n: number) => birthdayInstant(dateOfBirth, n).getTime() <= at;
  const next = AGE_THRESHOLDS.filter((n) => !reached(n)).map((n) => birthdayInstant(dateOfBirth, n).getTime())[0];
  const cap = at + AGE_ATTESTATION_MAX_DAYS * DAY_MS;
  return {
    subject: { ageOver13: reached(13), ageOver16: reached(16), ageOver18: reached(18) },
    validUntil: new Date(next === undefined ? cap : Math.min(next, cap)),
  };
}
