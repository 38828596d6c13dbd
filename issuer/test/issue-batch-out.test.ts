import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { issueBatchFromCsv } from '../src/cli/batch.js';
import type { Issuer } from '../src/index.js';
import { freshIssuer, removeDir, tempDir } from './helpers/setup.js';

const HEADER =
  'socialInsuranceNumber,personalIdentificationNumber,fullName,dateOfBirth,sex,initialHealthFacility.facilityCode,initialHealthFacility.facilityName,coverageFrom,coverageTo,benefitLevel';
function row(overrides: Record<string, string> = {}): string {
  const f = fixtures.HealthInsuranceCard;
  return Object.values({
    socialInsuranceNumber: f.socialInsuranceNumber,
    personalIdentificationNumber: f.personalIdentificationNumber,
    fullName: f.fullName,
    dateOfBirth: f.dateOfBirth,
    sex: f.sex,
    facilityCode: f.initialHealthFacility.facilityCode,
    facilityName: `"${f.initialHealthFacility.facilityName}"`,
    coverageFrom: f.coverageFrom,
    coverageTo: f.coverageTo,
    benefitLevel: f.benefitLevel,
    ...overrides,
  }).join(',');
}

test('issue-batch --out writes each row as it commits; a refusal names its row, field and code', async (t) => {
  const dir = await tempDir('vneid-batch-out-');
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(async () => {
    await cleanup();
    await removeDir(dir);
  });
  const csv = join(dir, 'rows.csv');
  const out = join(dir, 'out.jsonl');
  await writeFile(csv, [HEADER, row(), row({ benefitLevel: '9', dateOfBirth: 'x' }), row(), row()].join('\n'));
  // The real issuer, with its batch watched: when a row's result is final, is its line already in --out?
  const linesSeenAtResult: number[] = [];
  const watched: Issuer = {
    ...issuer,
    issueBatch: (requests, options) =>
      issuer.issueBatch(requests, {
        ...options,
        onResult: (i, result) => {
          options?.onResult?.(i, result);
          // Minus the run header (the first line, written before anything is issued).
          linesSeenAtResult.push(readFileSync(out, 'utf8').split('\n').filter(Boolean).length - 1);
        },
      }),
  };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const summary = await issueBatchFromCsv(
    watched,
    csv,
    { ministry: 'bhxh', type: 'HealthInsuranceCard', out },
    { out: (s) => stdout.push(s), err: (s) => stderr.push(s), env: {}, errIsTTY: false },
  );
  t.like(summary, { rows: 4, issued: 3, refused: 1 });
  t.deepEqual(linesSeenAtResult, [1, 2, 3, 4], 'each line is in the file when its result is final');
  t.deepEqual(stdout, [], 'with --out nothing goes to stdout');
  const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
  t.like(JSON.parse(header as string), {
    format: 'vneid-issue-batch/1',
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
  });
  const lines = rows.map(
    (l) =>
      JSON.parse(l) as {
        row: number;
        ok: boolean;
        id?: string;
        error?: { code: string; violations?: Array<{ row: number; field: string; code: string }> };
      },
  );
  t.deepEqual(lines.map((l) => l.row).sort(), [1, 2, 3, 4]);
  const issued = lines.filter((l) => l.ok);
  for (const l of issued) t.truthy((await issuer.getRecord(l.id as string)).id, 'every written credential is stored');
  t.is((await issuer.listRecords()).length, issued.length, 'every stored credential is written');
  const refused = lines.find((l) => !l.ok);
  t.is(refused?.error?.code, 'SCHEMA_VALIDATION_ERROR');
  const fields = refused?.error?.violations?.map((v) => v.field).sort();
  t.deepEqual(fields, ['/benefitLevel', '/dateOfBirth']);
  t.true(refused?.error?.violations?.every((v) => v.row === 2 && typeof v.code === 'string'));
  t.regex(
    stderr.join(''),
    /row 2: SCHEMA_VALIDATION_ERROR — \/benefitLevel \w+, \/dateOfBirth \w+|row 2: SCHEMA_VALIDATION_ERROR — \/dateOfBirth \w+, \/benefitLevel \w+/,
  );
});

test('without --out the lines go to stdout in row order, refusals with their violations too', async (t) => {
  const dir = await tempDir('vneid-batch-out-');
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(async () => {
    await cleanup();
    await removeDir(dir);
  });
  const csv = join(dir, 'rows.csv');
  await writeFile(csv, [HEADER, row({ dateOfBirth: 'x' }), row()].join('\n'));
  const stdout: string[] = [];
  await issueBatchFromCsv(
    issuer,
    csv,
    { ministry: 'bhxh', type: 'HealthInsuranceCard' },
    {
      out: (s) => stdout.push(s),
      err: () => {},
      env: {},
      errIsTTY: false,
    },
  );
  const lines = stdout.map(
    (l) =>
      JSON.parse(l) as { row: number; ok: boolean; error?: { violations?: Array<{ row: number; field: string }> } },
  );
  t.deepEqual(
    lines.map((l) => l.row),
    [1, 2],
  );
  t.deepEqual(
    lines[0]?.error?.violations?.map((v) => [v.row, v.field]),
    [[1, '/dateOfBirth']],
  );
  t.true(lines[1]?.ok);
});
