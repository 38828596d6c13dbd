import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { issueBatchFromCsv } from '../src/cli/batch.js';
import { runCli } from '../src/cli/program.js';
import { createIssuer, type Issuer } from '../src/index.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir, verifyIssued } from './helpers/setup.js';

const ISSUER_DIR = fileURLToPath(new URL('..', import.meta.url));
const HEADER =
  'socialInsuranceNumber,personalIdentificationNumber,fullName,dateOfBirth,sex,initialHealthFacility.facilityCode,initialHealthFacility.facilityName,coverageFrom,coverageTo,benefitLevel';
const BATCH = ['--ministry', 'bhxh', '--type', 'HealthInsuranceCard', '--suite', 'eddsa-rdfc-2022'];
const quiet = { out() {}, err() {}, env: {}, errIsTTY: false };

function csv(rows: number, salt = ''): string {
  const f = fixtures.HealthInsuranceCard;
  // Names take letters only: rows may repeat, each row is its own request (its own idempotency key).
  const line = () =>
    [
      f.socialInsuranceNumber,
      f.personalIdentificationNumber,
      `${f.fullName}${salt}`,
      f.dateOfBirth,
      f.sex,
      f.initialHealthFacility.facilityCode,
      `"${f.initialHealthFacility.facilityName}"`,
      f.coverageFrom,
      f.coverageTo,
      f.benefitLevel,
    ].join(',');
  return [HEADER, ...Array.from({ length: rows }, line)].join('\n');
}

/** A store with the development ministries, bhxh also holding an Ed25519 key (eddsa-rdfc-2022: fast to sign). */
async function store(t: { teardown(fn: () => Promise<void>): void }) {
  const dir = await tempDir('vneid-resume-');
  t.teardown(() => removeDir(dir));
  const data = join(dir, 'store');
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  await issuer.createKey('bhxh', 'Ed25519');
  await issuer.close();
  return { dir, data };
}

interface OutLine {
  row: number;
  ok: boolean;
  id?: string;
  credential?: JsonObject;
  error?: { code: string };
}

function readOut(file: string): { header: Record<string, unknown>; lines: OutLine[] } {
  const [header, ...rest] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { header: JSON.parse(header as string), lines: rest.map((l) => JSON.parse(l) as OutLine) };
}

function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  // Complete lines only, minus the header.
  return Math.max(0, readFileSync(file, 'utf8').split('\n').length - 2);
}

/** Runs the real CLI and sends `signal` once `--out` holds `after` rows; resolves with the exit code or signal. */
function runAndKill(args: string[], out: string, signal: NodeJS.Signals, after: number) {
  const child = spawn(process.execPath, ['--import=tsx', '--conditions=source', 'src/cli.ts', ...args], {
    cwd: ISSUER_DIR,
    env: { ...process.env, VNEID_ISSUER_PASSPHRASE: PASSPHRASE, VNEID_ISSUER_DATA: undefined },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let linesAtSignal = 0;
  const poll = setInterval(() => {
    linesAtSignal = countLines(out);
    if (linesAtSignal >= after) {
      clearInterval(poll);
      child.kill(signal);
    }
  }, 20);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; linesAtSignal: number }>(
    (resolve) =>
      child.on('exit', (code, sig) => {
        clearInterval(poll);
        resolve({ code, signal: sig, stderr, linesAtSignal });
      }),
  );
}

async function resume(data: string, file: string, out: string) {
  let stderr = '';
  const code = await runCli(['--data', data, 'issue-batch', file, ...BATCH, '--out', out, '--resume'], {
    ...quiet,
    env: { VNEID_ISSUER_PASSPHRASE: PASSPHRASE },
    err: (s) => {
      stderr += s;
    },
  });
  return { code, stderr };
}

test('issue-batch killed with SIGINT, then SIGKILL, and resumed: every row once, no credential issued twice, all verify', async (t) => {
  const ROWS = 200;
  const { dir, data } = await store(t);
  const runs = [
    { signal: 'SIGINT' as const, file: join(dir, 'a.csv'), out: join(dir, 'a.jsonl') },
    { signal: 'SIGKILL' as const, file: join(dir, 'b.csv'), out: join(dir, 'b.jsonl') },
  ];
  for (const [i, run] of runs.entries()) {
    await writeFile(run.file, csv(ROWS, i === 0 ? '' : ' Anh'));
    const killed = await runAndKill(
      ['--data', data, 'issue-batch', run.file, ...BATCH, '--out', run.out],
      run.out,
      run.signal,
      30,
    );
    if (run.signal === 'SIGINT') {
      // Graceful: the rows in flight finish and are written, the rest is left for --resume.
      t.is(killed.code, 130, killed.stderr);
      t.regex(killed.stderr, /interrupted/);
    } else {
      t.is(killed.signal, 'SIGKILL');
    }
    const before = readOut(run.out).lines.length;
    t.true(before >= 30 && before < ROWS, `${run.signal} came mid-run (${before} of ${ROWS} rows written)`);
    const resumed = await resume(data, run.file, run.out);
    t.is(resumed.code, 0, resumed.stderr);
    t.regex(resumed.stderr, new RegExp(`already in .* ${before}`));
    const { header, lines } = readOut(run.out);
    t.like(header, { format: 'vneid-issue-batch/1', ministry: 'bhxh', suite: 'eddsa-rdfc-2022' });
    t.deepEqual(
      lines.map((l) => l.row).sort((a, b) => a - b),
      Array.from({ length: ROWS }, (_, r) => r + 1),
      'each row exactly once',
    );
    t.true(
      lines.every((l) => l.ok),
      'every row issued',
    );
  }
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => issuer.close());
  const written = runs.flatMap((run) => readOut(run.out).lines);
  const records = await issuer.listRecords();
  t.is(records.length, written.length, 'the store holds exactly one credential per row: none issued twice');
  t.deepEqual(
    records.map((r) => r.id).sort(),
    written.map((l) => l.id as string).sort(),
    'every stored credential is in an output',
  );
  const documents = [issuer.didDocument('bhxh')];
  let verified = 0;
  for (const l of written) if ((await verifyIssued(l.credential as JsonObject, documents)).verified) verified += 1;
  t.is(verified, written.length, 'every credential verifies');
});

test('a row committed but not written before the kill comes back on --resume as the same credential', async (t) => {
  const { dir, data } = await store(t);
  const file = join(dir, 'rows.csv');
  const out = join(dir, 'out.jsonl');
  await writeFile(file, csv(6));
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => issuer.close());
  // The real issuer, but row 4's line never reaches the file: as if the process died between commit and write.
  const lost: string[] = [];
  const dying: Issuer = {
    ...issuer,
    issueBatch: (requests, options) =>
      issuer.issueBatch(requests, {
        ...options,
        onResult: (i, result) => {
          if (i === 3 && result.ok) lost.push(result.credential.id as string);
          else options?.onResult?.(i, result);
        },
      }),
  };
  const options = { ministry: 'bhxh', type: 'HealthInsuranceCard', suite: 'eddsa-rdfc-2022' as const, out };
  await issueBatchFromCsv(dying, file, options, quiet);
  t.is(readOut(out).lines.length, 5);
  t.is((await issuer.listRecords()).length, 6, 'row 4 is stored though not written');
  // And the kill cut row 4's line in the middle of its write.
  appendFileSync(out, `{"row":4,"ok":true,"id":"${lost[0]}","credential":{"@cont`);
  const summary = await issueBatchFromCsv(issuer, file, { ...options, resume: true }, quiet);
  t.like(summary, { rows: 6, skipped: 5, issued: 1 });
  const row4 = readOut(out).lines.find((l) => l.row === 4);
  t.is(row4?.id, lost[0], 'the resumed row is the credential already stored');
  t.is(readOut(out).lines.filter((l) => l.row === 4).length, 1, 'the cut line was dropped');
  t.is((await issuer.listRecords()).length, 6, 'no second credential for row 4');
  // Its negative twin: a fresh run (no --resume) of the same CSV is a new run and issues anew.
  const again = await issueBatchFromCsv(issuer, file, { ...options, out: join(dir, 'again.jsonl') }, quiet);
  t.is(again.issued, 6);
  t.is((await issuer.listRecords()).length, 12);
});

test('--resume refuses another CSV, a file that is not a run, and a run file is never overwritten', async (t) => {
  const { dir, data } = await store(t);
  const file = join(dir, 'rows.csv');
  const other = join(dir, 'other.csv');
  const out = join(dir, 'out.jsonl');
  await writeFile(file, csv(2));
  await writeFile(other, csv(2, ' Anh'));
  const cli = async (args: string[]) => {
    let stderr = '';
    const code = await runCli(['--data', data, ...args], {
      ...quiet,
      env: { VNEID_ISSUER_PASSPHRASE: PASSPHRASE },
      err: (s) => {
        stderr += s;
      },
    });
    return { code, stderr };
  };
  t.is((await cli(['issue-batch', file, ...BATCH, '--out', out])).code, 0);
  const kept = readFileSync(out, 'utf8');
  const overwrite = await cli(['issue-batch', file, ...BATCH, '--out', out]);
  t.is(overwrite.code, 1);
  t.regex(overwrite.stderr, /already holds a run: continue it with --resume/);
  t.is(readFileSync(out, 'utf8'), kept, 'the earlier run is kept');
  const otherCsv = await cli(['issue-batch', other, ...BATCH, '--out', out, '--resume']);
  t.is(otherCsv.code, 2);
  t.regex(otherCsv.stderr, /^BATCH_RESUME_MISMATCH: .*another CSV file/m);
  const otherType = await cli([
    'issue-batch',
    file,
    '--ministry',
    'bhxh',
    '--type',
    'HealthInsuranceCard',
    '--out',
    out,
    '--resume',
  ]);
  t.regex(otherType.stderr, /^BATCH_RESUME_MISMATCH: .*another suite/m);
  const notRun = join(dir, 'not-a-run.jsonl');
  await writeFile(notRun, '{"row":1,"ok":true}\n');
  t.regex(
    (await cli(['issue-batch', file, ...BATCH, '--out', notRun, '--resume'])).stderr,
    /^BATCH_RESUME_MISMATCH: .*run header/m,
  );
  const noOut = await cli(['issue-batch', file, ...BATCH, '--resume']);
  t.is(noOut.code, 1);
  t.regex(noOut.stderr, /--resume needs --out/);
  // A resume of a complete run issues nothing and succeeds.
  const complete = await cli(['issue-batch', file, ...BATCH, '--out', out, '--resume']);
  t.is(complete.code, 0, complete.stderr);
  t.is(readOut(out).lines.length, 2);
});
