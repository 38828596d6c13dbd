import test from 'ava';
import {
  fixtures,
  getCredentialType,
  listCredentialTypes,
  personalIdentificationNumberField,
  validatePersonalIdentificationNumber,
  validateSubject,
} from '../src/index.js';
import { PROVINCE_CODES } from '../src/lib/province-codes.js';
import { codes, copyOf } from './helpers.js';

const PIN = '/personalIdentificationNumber';
const check = validatePersonalIdentificationNumber;

test('a woman born in 1978 in Hà Nội: 001 1 78 012345 is valid', (t) => {
  t.deepEqual(check('001178012345', { dateOfBirth: '1978-05-19', sex: 'female' }), { valid: true, errors: [] });
});

test('the century-and-sex digit covers 1900 to 2399 for both sexes', (t) => {
  const cases = [
    ['1900-01-01', 'male', '0'],
    ['1999-12-31', 'female', '1'],
    ['2000-01-01', 'male', '2'],
    ['2099-06-30', 'female', '3'],
    ['2100-01-01', 'male', '4'],
    ['2150-01-01', 'female', '5'],
    ['2200-01-01', 'male', '6'],
    ['2250-01-01', 'female', '7'],
    ['2300-01-01', 'male', '8'],
    ['2399-01-01', 'female', '9'],
  ] as const;
  for (const [dateOfBirth, sex, digit] of cases) {
    const pin = `079${digit}${dateOfBirth.slice(2, 4)}000001`;
    t.true(check(pin, { dateOfBirth, sex }).valid, `${pin} ${dateOfBirth} ${sex}`);
  }
});

test('a number that is not 12 digits is PIN_FORMAT on its own', (t) => {
  for (const pin of ['00117801234', '0011780123456', '00117801234a', '', '００１１７８０１２３４５']) {
    t.deepEqual(codes(check(pin).errors), [`${PIN} PIN_FORMAT`], pin);
  }
});

test('every one of the 63 province codes is known, and nothing else is', (t) => {
  t.is(PROVINCE_CODES.size, 63);
  t.is(PROVINCE_CODES.get('079'), 'Hồ Chí Minh');
  for (let code = 0; code < 1000; code++) {
    const prefix = String(code).padStart(3, '0');
    const errors = codes(check(`${prefix}178012345`).errors);
    t.deepEqual(errors, PROVINCE_CODES.has(prefix) ? [] : [`${PIN} PIN_PROVINCE_UNKNOWN`], prefix);
  }
});

test('a woman born in 1990 with digit 0 (a man) is PIN_CENTURY_SEX_MISMATCH', (t) => {
  t.deepEqual(codes(check('001090012345', { dateOfBirth: '1990-03-15', sex: 'female' }).errors), [
    `${PIN} PIN_CENTURY_SEX_MISMATCH`,
  ]);
});

test('a man born in 2001 with the 1900s digit is PIN_CENTURY_SEX_MISMATCH', (t) => {
  t.deepEqual(codes(check('048001004567', { dateOfBirth: '2001-09-02', sex: 'male' }).errors), [
    `${PIN} PIN_CENTURY_SEX_MISMATCH`,
  ]);
});

test('a year of birth outside 1900–2399 cannot match any century digit', (t) => {
  t.deepEqual(codes(check('001099012345', { dateOfBirth: '1899-12-31' }).errors), [`${PIN} PIN_CENTURY_SEX_MISMATCH`]);
});

test('year digits that differ from the year of birth are PIN_BIRTH_YEAR_MISMATCH', (t) => {
  t.deepEqual(codes(check('001179012345', { dateOfBirth: '1978-05-19', sex: 'female' }).errors), [
    `${PIN} PIN_BIRTH_YEAR_MISMATCH`,
  ]);
});

test('every disagreement is reported together', (t) => {
  t.deepEqual(codes(check('999080012345', { dateOfBirth: '1978-05-19', sex: 'female' }).errors), [
    `${PIN} PIN_PROVINCE_UNKNOWN`,
    `${PIN} PIN_CENTURY_SEX_MISMATCH`,
    `${PIN} PIN_BIRTH_YEAR_MISMATCH`,
  ]);
});

test('without facts only the structure and the sex that is given are checked', (t) => {
  t.true(check('001178012345').valid);
  t.deepEqual(codes(check('001178012345', { sex: 'male' }).errors), [`${PIN} PIN_CENTURY_SEX_MISMATCH`]);
});

test('misuse is a TypeError, not a violation', (t) => {
  t.throws(() => check(1234 as unknown as string), { instanceOf: TypeError });
  t.throws(() => check('001178012345', { dateOfBirth: '19/05/1978' }), { instanceOf: TypeError });
  t.throws(() => check('001178012345', { sex: 'f' as 'female' }), { instanceOf: TypeError });
});

// The same rule, identically, in every registered type that carries the number.
const carriers = listCredentialTypes().filter((d) =>
  Object.hasOwn((d.subjectSchema as { properties: object }).properties, 'personalIdentificationNumber'),
);

test('all four built-in types carry the personal identification number', (t) => {
  t.deepEqual(
    carriers.map((d) => d.type),
    ['CitizenIdentityCard', 'DrivingLicence', 'UniversityDegree', 'HealthInsuranceCard'],
  );
});

for (const definition of carriers) {
  const { type } = definition;
  const fixture = definition.fixture as Record<string, unknown>;
  const pin = fixture.personalIdentificationNumber as string;
  const withPin = (value: string) => ({ ...fixture, personalIdentificationNumber: value });

  test(`${type}: the number uses the one shared schema`, (t) => {
    const { properties } = definition.subjectSchema as { properties: Record<string, unknown> };
    t.is(properties.personalIdentificationNumber, personalIdentificationNumberField.schema);
  });

  test(`${type}: an 11-digit number is PATTERN at ${PIN}`, (t) => {
    t.deepEqual(codes(validateSubject(type, withPin(pin.slice(1))).errors), [`${PIN} PATTERN`]);
  });

  test(`${type}: an unknown province code is PIN_PROVINCE_UNKNOWN`, (t) => {
    t.deepEqual(codes(validateSubject(type, withPin(`003${pin.slice(3)}`)).errors), [`${PIN} PIN_PROVINCE_UNKNOWN`]);
  });

  test(`${type}: a century digit of the wrong century is PIN_CENTURY_SEX_MISMATCH`, (t) => {
    const digit = Number(pin[3]);
    const otherCentury = String((digit + 2) % 10);
    t.deepEqual(codes(validateSubject(type, withPin(`${pin.slice(0, 3)}${otherCentury}${pin.slice(4)}`)).errors), [
      `${PIN} PIN_CENTURY_SEX_MISMATCH`,
    ]);
  });

  test(`${type}: year digits of another year are PIN_BIRTH_YEAR_MISMATCH`, (t) => {
    const year = (Number(pin.slice(4, 6)) + 1) % 100;
    t.deepEqual(
      codes(validateSubject(type, withPin(`${pin.slice(0, 4)}${String(year).padStart(2, '0')}${pin.slice(6)}`)).errors),
      [`${PIN} PIN_BIRTH_YEAR_MISMATCH`],
    );
  });

  const hasSex = 'sex' in fixture;
  test(`${type}: a digit of the other sex is ${hasSex ? 'PIN_CENTURY_SEX_MISMATCH' : 'not checkable without a sex field'}`, (t) => {
    const digit = Number(pin[3]);
    const otherSex = String(digit % 2 === 0 ? digit + 1 : digit - 1);
    const errors = codes(validateSubject(type, withPin(`${pin.slice(0, 3)}${otherSex}${pin.slice(4)}`)).errors);
    t.deepEqual(errors, hasSex ? [`${PIN} PIN_CENTURY_SEX_MISMATCH`] : []);
  });
}

test('the same person carries the same number in three documents', (t) => {
  const pins = new Set([
    fixtures.CitizenIdentityCard.personalIdentificationNumber,
    fixtures.DrivingLicence.personalIdentificationNumber,
    fixtures.HealthInsuranceCard.personalIdentificationNumber,
  ]);
  t.deepEqual([...pins], ['001178012345']);
});

test('a woman born in 1990 with digit 0 on her citizen identity card is PIN_CENTURY_SEX_MISMATCH', (t) => {
  const subject = {
    ...copyOf('CitizenIdentityCard'),
    dateOfBirth: '1990-03-15',
    personalIdentificationNumber: '001090012345',
  };
  t.deepEqual(codes(validateSubject('CitizenIdentityCard', subject).errors), [`${PIN} PIN_CENTURY_SEX_MISMATCH`]);
  t.is(getCredentialType('CitizenIdentityCard').type, 'CitizenIdentityCard');
});
