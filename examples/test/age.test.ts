import { validateSubject } from '@vneid/schemas';
import test from 'ava';
import { AGE_ATTESTATION_MAX_DAYS, ageAttestationFor, birthdayInstant } from '../src/lib/age.js';

const DAY = 86_400_000;
const at = new Date('2026-11-25T10:00:00Z');

test('an adult: every threshold true, valid for 30 days', (t) => {
  const { subject, validUntil } = ageAttestationFor('1978-05-19', at);
  t.deepEqual(subject, { ageOver13: true, ageOver16: true, ageOver18: true });
  t.is(validUntil.getTime() - at.getTime(), AGE_ATTESTATION_MAX_DAYS * DAY);
  t.true(validateSubject('AgeAttestation', subject).valid);
});

test('turning 16 within 30 days: not over 16 yet, valid until midnight (Vietnam) of the 16th birthday', (t) => {
  const { subject, validUntil } = ageAttestationFor('2010-12-10', at);
  t.deepEqual(subject, { ageOver13: true, ageOver16: false, ageOver18: false });
  t.is(validUntil.toISOString(), '2026-12-09T17:00:00.000Z');
  t.true(validateSubject('AgeAttestation', subject).valid);
});

test('a threshold birthday beyond 30 days is hidden behind the cap', (t) => {
  const { subject, validUntil } = ageAttestationFor('2011-03-01', at);
  t.deepEqual(subject, { ageOver13: true, ageOver16: false, ageOver18: false });
  t.is(validUntil.getTime() - at.getTime(), 30 * DAY);
});

test('the birthday starts at midnight in Vietnam, 17:00 UTC the day before', (t) => {
  const dob = '2010-11-26';
  t.false(ageAttestationFor(dob, new Date('2026-11-25T16:59:59Z')).subject.ageOver16);
  t.true(ageAttestationFor(dob, new Date('2026-11-25T17:00:00Z')).subject.ageOver16);
});

test('born on 29 February: comes of age on 1 March in a common year', (t) => {
  t.is(birthdayInstant('2008-02-29', 18).toISOString(), '2026-02-28T17:00:00.000Z');
  t.is(birthdayInstant('2008-02-29', 16).toISOString(), '2024-02-28T17:00:00.000Z');
});

test('malformed or impossible birth dates are TypeErrors', (t) => {
  t.throws(() => ageAttestationFor('19/05/1978', at), { instanceOf: TypeError });
  t.throws(() => ageAttestationFor('2010-02-30', at), { instanceOf: TypeError });
  t.throws(() => ageAttestationFor('2030-01-01', at), { instanceOf: TypeError });
  t.throws(() => ageAttestationFor('2010-01-01', new Date('nope')), { instanceOf: TypeError });
});
