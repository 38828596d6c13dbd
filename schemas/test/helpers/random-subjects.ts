/*
 * Seeded generators of credentialSubjects and unsigned credentials of the four
 * built-in document types, for property tests that hold the fast
 * canonicalization and proof paths of @vneid/core to the plain libraries.
 *
 * Every value of one case is drawn from one mulberry32 stream, so the case
 * seed alone reproduces the case: `randomCredential(type, createRng(seed), issuer)`.
 * Subjects are valid against their type's JSON Schema and rules (checked with
 * `validateSubject`, and a generator bug throws naming the seed); within that,
 * they go for the values most likely to break a hand-written canonicalizer:
 * NFC, NFD and non-canonically ordered combining marks, compatibility
 * characters NFC would rewrite, astral-plane letters and emoji, quotes,
 * backslashes, `<>`, strings that look like N-Quads syntax, U+2028/U+2029,
 * optional fields present and absent, key orders shuffled.
 */

import { CREDENTIALS_V2_CONTEXT_URL, encodeBase58, type JsonObject } from '@vneid/core';
import { type CredentialSubjectMap, credentialSchemaFor, getCredentialType, validateSubject } from '../../src/index.js';

/** A built-in document type. */
export type BuiltinType = keyof CredentialSubjectMap;

/** The four built-in document types, in registration order. */
export const BUILTIN_TYPES: readonly BuiltinType[] = [
  'CitizenIdentityCard',
  'DrivingLicence',
  'UniversityDegree',
  'HealthInsuranceCard',
];

/** A deterministic stream of random numbers; `seed` is where it started. */
export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  bool(p?: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
  bytes(n: number): Uint8Array;
}

/** mulberry32: small, fast and good enough to pick test values; not for anything secret. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const rng: Rng = {
    seed: seed >>> 0,
    next,
    int,
    bool: (p = 0.5) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
    bytes(n: number): Uint8Array {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = int(0, 255);
      return out;
    },
  };
  return rng;
}

/** The seed of case `index` of a run seeded with `base`: a 32-bit mix, so neighbouring cases are unrelated. */
export function caseSeed(base: number, index: number): number {
  let h = (base ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The base seed of a property run: `VNEID_PROPERTY_SEED` (a number, or
 * `random` for a fresh one) or a fixed default, so CI is reproducible and a
 * developer can explore other seeds. Tests print it.
 */
export function baseSeed(defaultSeed = 0x7e1d2025): number {
  const env = process.env.VNEID_PROPERTY_SEED;
  if (env === undefined || env === '') return defaultSeed;
  if (env === 'random') return Math.floor(Math.random() * 2 ** 32) >>> 0;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32)
    throw new RangeError('VNEID_PROPERTY_SEED must be a uint32 or "random"');
  return n;
}

// ---------------------------------------------------------------------------
// Text

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô'];
const MIDDLE = ['Thị', 'Văn', 'Hữu', 'Đức', 'Minh', 'Ngọc', 'Thanh', 'Quốc', 'Xuân', 'Thu', 'Bảo', 'Tôn Thất', 'Ưng'];
const GIVEN = ['Khai', 'Hương', 'Dũng', 'Tuấn', 'Phượng', 'Quỳnh', 'Nguyệt', 'Ửng', 'Thủy', 'Ngữ', 'Ỷ', 'Đạt', 'Yến'];
const GIVEN_MORE = ['Trường', 'Kiều', 'Oanh', 'Ánh', 'Ý', 'Ậu', 'Ẫn', 'Ỗ', 'Ợi', 'Ựa', 'Ỹ', 'Ằng', 'Ẵng', 'Nữ'];

/**
 * Letters (`\p{L}`) beyond Vietnamese: compatibility characters NFC rewrites
 * (Angstrom, Ohm, Kelvin signs), a titlecase digraph, ligatures, dotted and
 * dotless i, modifier letters, right-to-left scripts, CJK and astral-plane
 * letters (surrogate pairs in UTF-16).
 */
const ODD_LETTERS = [
  '\u212B', // ANGSTROM SIGN, NFC → U+00C5
  '\u2126', // OHM SIGN, NFC → U+03A9
  '\u212A', // KELVIN SIGN, NFC → K
  '\u01C5', // Dž titlecase
  'ß',
  '\u017F', // long s
  'İ',
  'ı',
  '\uFB01', // ﬁ ligature
  'Ə',
  '阮',
  '氏',
  '明',
  '\u{20000}', // CJK Ext. B, astral
  '\u{1D504}', // MATHEMATICAL FRAKTUR CAPITAL A, astral
  '\u{10400}', // DESERET CAPITAL LONG I, astral
  '\u13A0', // Cherokee
  'ㄱ',
  '\u30FC', // KATAKANA-HIRAGANA PROLONGED SOUND MARK (Lm)
  '\u0640', // ARABIC TATWEEL (Lm)
  'א',
  'ع',
  'ก',
];

/** Combining marks (`\p{M}`): Vietnamese tone and vowel marks, an enclosing mark, a variation selector. */
const MARKS = [...'\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031B\u0345\u20DD\uFE0F'];

const PLACES = [
  'Số 12 phố Láng Hạ',
  'Phường Láng Hạ',
  'Quận Đống Đa',
  'Thành phố Hà Nội',
  'Xã Tân Thạnh',
  'Huyện Châu Thành',
  'Tỉnh Tiền Giang',
  'Thôn Đông Ngạc',
  'Ấp 3',
  'Khu phố 7',
  'Bệnh viện Đa khoa Đống Đa',
  'Trường Đại học Bách khoa – Đại học Đà Nẵng',
  'Phòng Cảnh sát giao thông',
  'Kỹ thuật phần mềm',
  'Việt Nam',
  'Cộng hòa Xã hội Chủ nghĩa Việt Nam',
];

/**
 * Pieces of free text the schemas allow (anything but `\p{C}`) that a
 * canonicalizer has to escape or leave exactly alone.
 */
const TRICKY = [
  '"',
  '\\',
  '\\"',
  '\\n', // a backslash and an n, not a newline
  '\\u0041',
  '\\\\',
  '<',
  '>',
  '<script>alert("x")</script>',
  '&amp;',
  "'",
  '`',
  '"@vi',
  '"^^<http://www.w3.org/2001/XMLSchema#string>',
  '_:c14n0',
  '<urn:bnid:b0>',
  '<urn:x> .',
  ' . ',
  '#',
  '%0A',
  '{"@id":"x"}',
  '@context',
  '😀',
  '🇻🇳',
  '👍🏽',
  '❤\uFE0F',
  '\u{2070E}',
  '\u{1D4B3}',
  '\u00A0', // NO-BREAK SPACE
  '\u3000', // IDEOGRAPHIC SPACE
  '\u2028', // LINE SEPARATOR (Zl, not \p{C})
  '\u2029', // PARAGRAPH SEPARATOR (Zp)
  '\u0301', // a combining mark with nothing before it
  '\uFDFA',
  '½',
  '①',
  '∑',
  '\u216B',
  '\uFF21', // FULLWIDTH A
  '\u1E9E',
  'null',
  'true',
  '-0',
  '1e3',
  ' ',
];

const NAME_RE = /^\p{L}[\p{L}\p{M} '.-]*$/u;
const TEXT_RE = /^[^\p{C}]*$/u;

/** Cut to at most `max` code points (never halving a surrogate pair). */
function cut(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : points.slice(0, max).join('');
}

/** One word in one of several Unicode spellings that render alike but differ in bytes. */
function spell(rng: Rng, word: string): string {
  switch (rng.int(0, 6)) {
    case 0:
    case 1:
      return word.normalize('NFC');
    case 2:
    case 3:
      return word.normalize('NFD');
    case 4:
      // Marks in non-canonical order: neither NFC nor NFD, and must stay so.
      return word.normalize('NFD').replace(/(\P{M})(\p{M}{2,})/gu, (_, base: string, marks: string) => {
        return base + [...marks].reverse().join('');
      });
    case 5: {
      const points = [...word];
      const at = rng.int(0, points.length - 1);
      const extra = Array.from({ length: rng.int(1, 3) }, () => rng.pick(MARKS)).join('');
      points[at] = `${points[at]}${extra}`;
      return points.join('');
    }
    default:
      return word.toUpperCase();
  }
}

/** A full name valid against `fullNameSchema`: letters and marks of any script, spaces, `'`, `.`, `-`. */
export function randomFullName(rng: Rng): string {
  const words: string[] = [rng.pick(FAMILY)];
  for (let i = rng.int(0, 3); i > 0; i--) words.push(rng.pick(MIDDLE));
  words.push(rng.pick(rng.bool() ? GIVEN : GIVEN_MORE));
  if (rng.bool(0.2)) {
    const odd = Array.from({ length: rng.int(1, 4) }, () => rng.pick(ODD_LETTERS)).join('');
    words.splice(rng.int(0, words.length), 0, odd);
  }
  let name = spell(rng, words[0] as string);
  for (const word of words.slice(1)) name += rng.pick([' ', ' ', ' ', '-', "'", '. ', '  ']) + spell(rng, word);
  if (rng.bool(0.05)) name += rng.pick([' ', '.', "'"]);
  if (rng.bool(0.03)) name = rng.pick(ODD_LETTERS); // a one-letter name
  if (rng.bool(0.03)) name = `${name} ${'Ạ'.repeat(120)}`; // cut to exactly the maximum
  return cut(name, 100);
}

/** Free text valid against `textSchema(max)`: 1..max code points, no `\p{C}`. */
export function randomText(rng: Rng, max: number): string {
  const roll = rng.next();
  if (roll < 0.05) return cut(rng.pick([...TRICKY, ...ODD_LETTERS]), max) || 'x';
  if (roll < 0.08) return cut(Array.from({ length: max + 10 }, () => rng.pick([...PLACES, ...TRICKY])).join(''), max);
  let text = '';
  for (let i = rng.int(1, 6); i > 0; i--) {
    const piece = rng.bool(0.6) ? spell(rng, rng.pick(PLACES)) : rng.pick(TRICKY);
    text += (text === '' ? '' : rng.pick([', ', ' ', '', ' – ', '/', '\u00A0', '\u2028'])) + piece;
  }
  if (rng.bool(0.05)) text = ` ${text} `;
  return cut(text, max);
}

function digits(rng: Rng, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(rng.int(0, 9));
  return out;
}

// ---------------------------------------------------------------------------
// Dates

const DAY = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** A real calendar date between the two years, now and then a 29 February. */
export function randomDate(rng: Rng, fromYear: number, toYear: number): string {
  if (rng.bool(0.03)) {
    const leap = Array.from({ length: toYear - fromYear + 1 }, (_, i) => fromYear + i).filter(
      (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0,
    );
    if (leap.length > 0) return `${rng.pick(leap)}-02-29`;
  }
  const from = Date.UTC(fromYear, 0, 1);
  const to = Date.UTC(toYear, 11, 31);
  return isoDate(from + rng.int(0, Math.round((to - from) / DAY)) * DAY);
}

/** A date strictly after `date`, by 1..maxDays days. */
function dateAfter(rng: Rng, date: string, minDays: number, maxDays: number): string {
  return isoDate(parseDate(date) + rng.int(Math.max(1, minDays), maxDays) * DAY);
}

/** A birth date: mostly 1930–2010, sometimes the edges the personal identification number can encode. */
function birthDate(rng: Rng, latestYear = 2399): string {
  const roll = rng.next();
  if (roll < 0.85) return randomDate(rng, 1930, Math.min(2010, latestYear));
  if (roll < 0.93) return randomDate(rng, 1900, 1930);
  return randomDate(rng, 2010, latestYear);
}

// ---------------------------------------------------------------------------
// Identifiers

/** Province codes of birth registration (Circular 59/2021/TT-BCA, Appendix I). */
const PROVINCES = (
  '001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 040 042 ' +
  '044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 ' +
  '089 091 092 093 094 095 096'
).split(' ');

/** A personal identification number agreeing with the birth year and sex (random sex when the type has none). */
function pinFor(rng: Rng, dateOfBirth: string, sex?: 'male' | 'female'): string {
  const year = Number(dateOfBirth.slice(0, 4));
  const female = sex === undefined ? rng.bool() : sex === 'female';
  const centuryAndSex = Math.floor((year - 1900) / 100) * 2 + (female ? 1 : 0);
  return `${rng.pick(PROVINCES)}${centuryAndSex}${String(year % 100).padStart(2, '0')}${digits(rng, 6)}`;
}

/** A well-formed Ed25519 `did:key` from random bytes (never resolved, so the point need not be on the curve). */
export function randomDidKey(rng: Rng): string {
  return `did:key:z${encodeBase58(Uint8Array.of(0xed, 0x01, ...rng.bytes(32)))}`;
}

function uuid(rng: Rng): string {
  const b = rng.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function faceImageDigest(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0:
      return `sha256-${Buffer.from(rng.bytes(32)).toString('base64')}`;
    case 1:
      return `sha384-${Buffer.from(rng.bytes(48)).toString('base64')}`;
    case 2:
      return `sha512-${Buffer.from(rng.bytes(64)).toString('base64')}`;
    default:
      // A multibase base64url multihash: sha2-256, sha2-384 or sha2-512.
      return `u${Buffer.from([
        ...rng.pick([
          [0x12, 0x20],
          [0x20, 0x30],
          [0x13, 0x40],
        ]),
        ...rng.bytes(rng.pick([32, 48, 64])),
      ]).toString('base64url')}`;
  }
}

function serial(rng: Rng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = alphabet[rng.int(0, alphabet.length - 1)] as string;
  const more = `${alphabet}./-`;
  for (let i = rng.int(0, 31); i > 0; i--) out += more[rng.int(0, more.length - 1)];
  return out;
}

// ---------------------------------------------------------------------------
// Subjects
//
// Two streams: `shape` decides the structure (which optional fields, array
// lengths, key orders, numbers), `value` every string. With one Rng as both,
// a seed is a case; with one shape seed and many value seeds, the cases share
// a JSON shape and differ in their strings, which is what a compiled
// per-shape canonicalization plan must get right after its first sighting.

interface Draws {
  shape: Rng;
  value: Rng;
}

type Entries = Array<[string, unknown]>;

/** An object from entries, in schema order or (sometimes) shuffled: JSON key order must not matter. */
function object(g: Draws, entries: Entries): Record<string, unknown> {
  return Object.fromEntries(g.shape.bool(0.3) ? g.shape.shuffle(entries) : entries);
}

function optional(g: Draws, entries: Entries, key: string, value: () => unknown, p = 0.5): void {
  if (g.shape.bool(p)) entries.push([key, value()]);
}

const LICENCE_CLASSES = ['A1', 'A', 'B1', 'B', 'C1', 'C', 'D1', 'D2', 'D', 'BE', 'C1E', 'CE', 'D1E', 'D2E', 'DE'];
const NON_EXPIRING = ['A1', 'A', 'B1'];

function citizenIdentityCard(g: Draws): Entries {
  const v = g.value;
  const sex = v.pick(['male', 'female'] as const);
  const dateOfBirth = birthDate(v);
  const dateOfIssue = dateAfter(v, dateOfBirth, 14 * 365, 80 * 365);
  const entries: Entries = [
    ['personalIdentificationNumber', pinFor(v, dateOfBirth, sex)],
    ['fullName', randomFullName(v)],
    ['dateOfBirth', dateOfBirth],
    ['sex', sex],
    ['nationality', v.bool(0.6) ? 'Việt Nam' : randomText(v, 60)],
    ['placeOfBirthRegistration', randomText(v, 300)],
    ['placeOfResidence', randomText(v, 300)],
    ['dateOfIssue', dateOfIssue],
    ['dateOfExpiry', dateAfter(v, dateOfIssue, 1, 40 * 365)],
    ['faceImageDigest', faceImageDigest(v)],
  ];
  optional(g, entries, 'faceImage', () => {
    const size = v.bool(0.05) ? v.int(3000, 14000) : v.int(1, 300);
    return `data:image/${v.pick(['png', 'jpeg'])};base64,${Buffer.from(v.bytes(size)).toString('base64')}`;
  });
  return entries;
}

function drivingLicence(g: Draws): Entries {
  const v = g.value;
  const dateOfBirth = birthDate(v);
  const dateOfIssue = dateAfter(v, dateOfBirth, 16 * 365, 70 * 365);
  // 1..15 classes (their number is structure, which classes is value), distinct: the rules refuse a class twice.
  const count = g.shape.bool(0.1)
    ? LICENCE_CLASSES.length
    : g.shape.int(1, g.shape.bool(0.7) ? 3 : LICENCE_CLASSES.length);
  const expires = Array.from({ length: count }, () => g.shape.bool(0.7));
  // A1, A and B1 do not expire, so they go to entries without a date when there are enough; the schema allows
  // a date on any class, so otherwise they carry one.
  const pool = v.shuffle(LICENCE_CLASSES);
  const lasting = pool.filter((c) => NON_EXPIRING.includes(c));
  const expiring = pool.filter((c) => !NON_EXPIRING.includes(c));
  const licenceClasses = expires.map((withDate) => {
    const from = withDate ? expiring : lasting;
    const licenceClass = (from.length > 0 ? from : withDate ? lasting : expiring).shift() as string;
    const entry: Entries = [['licenceClass', licenceClass]];
    if (withDate) entry.push(['dateOfExpiry', dateAfter(v, dateOfIssue, 1, 15 * 365)]);
    return object(g, entry);
  });
  return [
    ['licenceNumber', digits(v, 12)],
    ['fullName', randomFullName(v)],
    ['dateOfBirth', dateOfBirth],
    ['personalIdentificationNumber', pinFor(v, dateOfBirth)],
    ['nationality', v.bool(0.6) ? 'Việt Nam' : randomText(v, 60)],
    ['placeOfResidence', randomText(v, 300)],
    ['licenceClasses', licenceClasses],
    ['dateOfIssue', dateOfIssue],
    ['issuingAuthority', randomText(v, 200)],
  ];
}

const CLASSIFIED_DEGREES = ['bachelor', 'engineer', 'architect', 'doctorOfMedicine'];
const GRADUATE_DEGREES = ['master', 'doctor'];

function universityDegree(g: Draws): Entries {
  const v = g.value;
  // A number is structure (it is part of the JSON-LD shape); the birth date follows it:
  // graduation lies in 1950..2100 and more than 15 years after birth.
  const graduationYear = g.shape.int(1950, 2100);
  const dateOfBirth = randomDate(v, Math.max(1900, graduationYear - 70), graduationYear - 16);
  // First-cycle degrees must carry a classification; master and doctor may.
  const classified = g.shape.bool(0.7);
  const degreeTitle = v.pick(classified ? [...CLASSIFIED_DEGREES, ...GRADUATE_DEGREES] : GRADUATE_DEGREES);
  const entries: Entries = [
    ['degreeTitle', degreeTitle],
    ['fieldOfStudy', randomText(v, 200)],
    ['fullName', randomFullName(v)],
    ['dateOfBirth', dateOfBirth],
    ['personalIdentificationNumber', pinFor(v, dateOfBirth)],
  ];
  if (classified) entries.push(['classification', v.pick(['excellent', 'veryGood', 'good', 'average'])]);
  entries.push(
    ['modeOfStudy', v.pick(['fullTime', 'partTime', 'distance'])],
    ['graduationYear', graduationYear],
    ['diplomaSerialNumber', serial(v)],
    ['registerNumber', serial(v)],
    ['institution', randomText(v, 200)],
  );
  return entries;
}

function healthInsuranceCard(g: Draws): Entries {
  const v = g.value;
  const sex = v.pick(['male', 'female'] as const);
  const dateOfBirth = birthDate(v);
  const coverageFrom = v.bool(0.5) ? `${v.int(2015, 2035)}-01-01` : randomDate(v, 2015, 2035);
  return [
    ['socialInsuranceNumber', digits(v, 10)],
    ['personalIdentificationNumber', pinFor(v, dateOfBirth, sex)],
    ['fullName', randomFullName(v)],
    ['dateOfBirth', dateOfBirth],
    ['sex', sex],
    [
      'initialHealthFacility',
      object(g, [
        ['facilityCode', digits(v, 5)],
        ['facilityName', randomText(v, 200)],
      ]),
    ],
    ['coverageFrom', coverageFrom],
    ['coverageTo', dateAfter(v, coverageFrom, 1, 10 * 365)],
    ['benefitLevel', v.pick(['1', '2', '3', '4', '5'])],
  ];
}

const SUBJECT_ENTRIES: Readonly<Record<BuiltinType, (g: Draws) => Entries>> = {
  CitizenIdentityCard: citizenIdentityCard,
  DrivingLicence: drivingLicence,
  UniversityDegree: universityDegree,
  HealthInsuranceCard: healthInsuranceCard,
};

function draws(rng: Rng, values?: Rng): Draws {
  return { shape: rng, value: values ?? rng };
}

function subjectOf<T extends BuiltinType>(type: T, g: Draws): CredentialSubjectMap[T] {
  const entries = SUBJECT_ENTRIES[type](g);
  if (g.shape.bool()) entries.unshift(['id', randomDidKey(g.value)]);
  const subject = object(g, entries);
  const seeds = `seed ${g.shape.seed}${g.value === g.shape ? '' : `, value seed ${g.value.seed}`}`;
  const { valid, errors } = validateSubject(type, subject);
  if (!valid) {
    throw new Error(
      `generator bug: invalid ${type} subject (${seeds}): ${JSON.stringify(errors)} ${JSON.stringify(subject)}`,
    );
  }
  // Belt and braces: the patterns the generator aims at, checked independently of Ajv.
  for (const [key, value] of Object.entries(subject)) {
    if (key === 'fullName' && !NAME_RE.test(value as string)) throw new Error(`generator bug: fullName (${seeds})`);
    if (typeof value === 'string' && !TEXT_RE.test(value)) throw new Error(`generator bug: ${key} (${seeds})`);
  }
  return subject as CredentialSubjectMap[T];
}

/**
 * A random `credentialSubject` of `type`, valid against its JSON Schema and
 * rules, with a holder `id` (a did:key) about half the time. With `values`,
 * the strings come from that stream and `rng` decides only the structure.
 *
 * @throws Error naming the seed if the generator ever produces an invalid subject.
 */
export function randomSubject<T extends BuiltinType>(type: T, rng: Rng, values?: Rng): CredentialSubjectMap[T] {
  return subjectOf(type, draws(rng, values));
}

// ---------------------------------------------------------------------------
// Credentials

const STATUS_BASES = ['https://vneid.gov.vn/issuers/bo-cong-an/', 'https://bhxh.gov.vn/vc/', 'http://127.0.0.1:8080/'];

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A date-time as the issuer writes it (UTC, whole seconds), and now and then with milliseconds or a +07:00 offset. */
function dateTime(rng: Rng, ms: number): string {
  const roll = rng.next();
  if (roll < 0.8) return isoSeconds(ms);
  if (roll < 0.9) return new Date(ms).toISOString();
  return `${new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}

function statusEntry(rng: Rng, base: string, slug: string, purpose: 'revocation' | 'suspension'): JsonObject {
  const list = `${base}status-lists/${encodeURIComponent(`${slug}-${purpose}-${rng.int(1, 40)}`)}`;
  const index = rng.int(0, 131_071);
  return {
    id: `${list}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: list,
  };
}

/**
 * A random unsigned VCDM 2.0 credential of `type`, shaped as the issuer's
 * `buildCredential` shapes it, with `validUntil` and the two status entries
 * (revocation and suspension) each present or absent. With `values`, the
 * strings come from that stream and `rng` decides only the structure: one
 * `rng` seed and many `values` seeds give credentials of one JSON shape.
 */
export function randomCredential(type: BuiltinType, rng: Rng, issuerDid: string, values?: Rng): JsonObject {
  const g = draws(rng, values);
  const v = g.value;
  const definition = getCredentialType(type);
  const subject = subjectOf(type, g);
  const validFromMs = Date.UTC(2020, 0, 1) + v.int(0, 15 * 365) * DAY + v.int(0, 86_399) * 1000;
  const entries: Entries = [
    ['@context', [CREDENTIALS_V2_CONTEXT_URL, definition.contextUrl]],
    ['id', `urn:uuid:${uuid(v)}`],
    ['type', ['VerifiableCredential', type]],
    ['issuer', issuerDid],
    ['validFrom', dateTime(v, validFromMs)],
  ];
  // At least a day after validFrom, so `insideValidity` (validFrom + 1 h) lies inside the window.
  optional(
    g,
    entries,
    'validUntil',
    () => isoSeconds(validFromMs + v.int(1, 30 * 365) * DAY + v.int(0, 86_399) * 1000),
    0.75,
  );
  entries.push(['credentialSchema', credentialSchemaFor(type)], ['credentialSubject', subject]);
  if (g.shape.bool(0.6)) {
    const base = v.pick(STATUS_BASES);
    const slug = v.pick(['bo-cong-an', 'bhxh', 'dhqghn']);
    entries.push([
      'credentialStatus',
      [statusEntry(v, base, slug, 'revocation'), statusEntry(v, base, slug, 'suspension')],
    ]);
  }
  return object(g, entries) as JsonObject;
}

/** An instant inside the credential's validity window (its validFrom plus one hour). */
export function insideValidity(credential: JsonObject): Date {
  return new Date(Date.parse(credential.validFrom as string) + 3_600_000);
}

// ---------------------------------------------------------------------------
// Values outside the schemas, for canonicalization only

/**
 * Strings no schema admits but a verifier still canonicalizes when a hostile
 * or broken credential arrives: control characters (which N-Quads must
 * escape), lone surrogates, format and private-use characters, empty and blank.
 */
const HOSTILE_STRINGS: readonly string[] = [
  'line\nbreak',
  'tab\there',
  'carriage\rreturn',
  '\b\f',
  'nul\u0000byte',
  '\u0007\u000b\u000e\u001f\u007f',
  '\u0085',
  '\u200d\u200b\u00ad',
  '\u202eevil',
  '\ufeffbom',
  'lone \ud800 high',
  'lone \udc00 low',
  '\uffff\ufffe',
  '\ue000',
  '',
  ' ',
];

/** Non-string JSON for string fields: numbers of every JSON-LD conversion (integers, -0, fractions, ≥ 1e21 doubles), booleans, null, arrays. */
const HOSTILE_OTHERS: readonly unknown[] = [
  0,
  -0,
  1,
  -1,
  2024,
  0.1,
  1.5,
  -2.5e-7,
  1e21,
  1.7976931348623157e308,
  5e-324,
  2 ** 53 + 2,
  true,
  false,
  null,
  [],
  ['a', 'a', 'b'],
  [1, '1', 1],
];

/**
 * A copy of `credential` with 1..3 subject values (never `id`, whose value
 * must stay an IRI) replaced by values outside the schemas, and now and then
 * a licence class listed twice (two blank nodes with identical content: the
 * hard case of RDFC-1.0, where hashes tie). `rng` decides the structure
 * (which fields, strings or not), `values` which hostile strings.
 */
export function hostileVariant(credential: JsonObject, rng: Rng, values: Rng = rng): JsonObject {
  const copy = structuredClone(credential);
  const subject = copy.credentialSubject as Record<string, unknown>;
  const hostile = (): unknown =>
    rng.bool(0.6) ? values.pick(HOSTILE_STRINGS) : structuredClone(rng.pick(HOSTILE_OTHERS));
  const keys = Object.keys(subject).filter((k) => k !== 'id');
  for (let i = rng.int(1, 3); i > 0; i--) subject[rng.pick(keys)] = hostile();
  const classes = subject.licenceClasses;
  if (Array.isArray(classes) && classes.length > 0 && rng.bool(0.5)) {
    const twin = structuredClone(classes[rng.int(0, classes.length - 1)]);
    classes.splice(rng.int(0, classes.length), 0, twin);
  }
  const facility = subject.initialHealthFacility;
  if (facility && typeof facility === 'object' && !Array.isArray(facility) && rng.bool(0.3)) {
    (facility as Record<string, unknown>).facilityName = hostile();
  }
  return copy;
}

// ---------------------------------------------------------------------------
// Tampering

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const REPLACEMENTS = ['a', 'Z', '0', 'ệ', 'e\u0323\u0302', '\u0301', '😀', ' ', '"', '\\', '\u2028'];
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

interface Leaf {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
  value: unknown;
  pointer: string;
}

function leavesOf(value: unknown, pointer: string, out: Leaf[], parent?: Leaf['parent'], key?: Leaf['key']): Leaf[] {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) leavesOf(v, `${pointer}/${i}`, out, value, i);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      leavesOf(v, `${pointer}/${k}`, out, value as Record<string, unknown>, k);
  } else if (parent !== undefined && key !== undefined) out.push({ parent, key, value, pointer });
  return out;
}

function set(leaf: Leaf, value: unknown): void {
  (leaf.parent as Record<string | number, unknown>)[leaf.key] = value;
}

/** `text` with one code point replaced by a different one (IRIs keep to base58 so they stay IRIs). */
function replaceOnePoint(rng: Rng, text: string, iri: boolean): string {
  const points = [...text];
  const at = rng.int(0, Math.max(0, points.length - 1));
  const pool = iri ? [...BASE58] : REPLACEMENTS;
  let next = rng.pick(pool);
  while (next === points[at]) next = rng.pick(pool);
  points[at] = next;
  return points.join('');
}

/** What {@link tamperOneClaim} changed. */
export type ChangeKind =
  | 'a character'
  | 'a date'
  | 'a number'
  | 'an array element'
  | 'a field added'
  | 'a field removed';

/**
 * One change to a signed credential that changes its RDF graph: one
 * character of one value, a date or number moved, a licence class or status
 * entry changed, dropped or appended, a field added or removed. The kind is
 * drawn first, so every kind the credential allows is as likely. Nothing is
 * reordered (a reordering does not change the graph). The proof is untouched.
 */
export function tamperOneClaim(
  signed: JsonObject,
  rng: Rng,
): { credential: JsonObject; change: string; kind: ChangeKind } {
  const credential = structuredClone(signed);
  const subject = credential.credentialSubject as Record<string, unknown>;
  const changes = new Map<ChangeKind, Array<[string, () => void]>>();
  const add = (kind: ChangeKind, change: string, apply: () => void): void => {
    changes.set(kind, [...(changes.get(kind) ?? []), [change, apply]]);
  };

  for (const leaf of leavesOf(subject, '/credentialSubject', [])) {
    const { value, pointer } = leaf;
    if (typeof value === 'string') {
      const iri = pointer === '/credentialSubject/id';
      add('a character', `one character of ${pointer}`, () => set(leaf, replaceOnePoint(rng, value, iri)));
      if (DATE_RE.test(value)) {
        add('a date', `${pointer} moved`, () => {
          const days = rng.int(1, 1000) * (rng.bool() ? 1 : -1);
          set(leaf, isoDate(parseDate(value) + days * DAY));
        });
      }
    } else if (typeof value === 'number') {
      add('a number', `${pointer} changed`, () => set(leaf, value + rng.int(1, 50)));
    }
  }
  for (const key of Object.keys(subject)) {
    add('a field removed', `/credentialSubject/${key} removed`, () => {
      delete subject[key];
    });
  }
  const addField = (target: Record<string, unknown>, pointer: string, key: string, value: () => unknown) => {
    if (!(key in target)) {
      add('a field added', `${pointer}/${key} added`, () => {
        target[key] = value();
      });
    }
  };
  addField(subject, '/credentialSubject', 'id', () => randomDidKey(rng));
  if ('faceImageDigest' in subject)
    addField(subject, '/credentialSubject', 'faceImage', () => 'data:image/png;base64,AAAA');
  if (subject.degreeTitle === 'master' || subject.degreeTitle === 'doctor') {
    addField(subject, '/credentialSubject', 'classification', () => 'good');
  }

  const classes = subject.licenceClasses;
  if (Array.isArray(classes)) {
    const unused = LICENCE_CLASSES.filter((c) => !classes.some((e) => e?.licenceClass === c));
    classes.forEach((entry: Record<string, unknown>, i) => {
      const p = `/credentialSubject/licenceClasses/${i}`;
      if (unused.length > 0) {
        add('an array element', `${p}/licenceClass replaced`, () => {
          entry.licenceClass = rng.pick(unused);
        });
      }
      if (classes.length > 1) add('an array element', `${p} removed`, () => classes.splice(i, 1));
      if ('dateOfExpiry' in entry) {
        add('a field removed', `${p}/dateOfExpiry removed`, () => {
          delete entry.dateOfExpiry;
        });
      }
      addField(entry, p, 'dateOfExpiry', () => '2040-01-01');
    });
    if (unused.length > 0) {
      add('an array element', 'a licence class appended', () => classes.push({ licenceClass: rng.pick(unused) }));
    }
  }

  const validFrom = Date.parse(credential.validFrom as string);
  // Earlier, never later: the instant the test verifies at stays inside the window.
  add('a date', '/validFrom moved earlier', () => {
    credential.validFrom = isoSeconds(validFrom - rng.int(1, 10 ** 7) * 1000);
  });
  if (typeof credential.validUntil === 'string') {
    const until = Date.parse(credential.validUntil);
    add('a date', '/validUntil moved later', () => {
      credential.validUntil = isoSeconds(until + rng.int(1, 10 ** 7) * 1000);
    });
    add('a field removed', '/validUntil removed', () => {
      delete credential.validUntil;
    });
  }
  addField(credential, '', 'validUntil', () => isoSeconds(validFrom + 400 * DAY));
  add('a character', 'one character of /id', () => {
    credential.id = replaceOnePoint(rng, credential.id as string, true);
  });

  const status = credential.credentialStatus;
  if (Array.isArray(status)) {
    status.forEach((entry: JsonObject, i) => {
      const p = `/credentialStatus/${i}`;
      add('an array element', `${p}/statusPurpose swapped`, () => {
        entry.statusPurpose = entry.statusPurpose === 'revocation' ? 'suspension' : 'revocation';
      });
      add('an array element', `${p}/statusListIndex changed`, () => {
        entry.statusListIndex = String(Number(entry.statusListIndex) + 1);
      });
      add('an array element', `${p} removed`, () => status.splice(i, 1));
    });
    add('a field removed', '/credentialStatus removed', () => {
      delete credential.credentialStatus;
    });
  }
  addField(credential, '', 'credentialStatus', () => [
    statusEntry(rng, STATUS_BASES[0] as string, 'bo-cong-an', 'revocation'),
  ]);

  const kind = rng.pick([...changes.keys()]);
  const [change, apply] = rng.pick(changes.get(kind) ?? []);
  apply();
  return { credential, change, kind };
}
