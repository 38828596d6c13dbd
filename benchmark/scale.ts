// `pnpm bench -- --scale [--scale-count N]`: the scale run of issue 11, not
// part of the default run nor of CI. Issues N credentials (default 1,000,000;
// eddsa-rdfc-2022) into PostgreSQL through the issuer library with signing
// workers, printing the throughput of each tenth (each 100,000 at the full
// size: the goal is flat); then verifyAuditLog over every entry in a child
// process with its peak RSS (goal < 150 MB); then single revocations timed with
// 1 % and with up to 50 % of one status list set (goal: the same within noise).
// PostgreSQL: VNEID_BENCH_DATABASE_URL if set, else a server started here.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createIssuer, type Issuer } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import { TYPE } from './input.js';
import { SERVICE_PASSPHRASE } from './service-processes.js';
import { MINISTRY } from './world.js';

const IN_FLIGHT = 64;
const SAMPLES = 50;
const LIST_LENGTH = 131_072;

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function issueAll(issuer: Issuer, count: number, log: (line: string) => void): Promise<number[]> {
  const step = Math.max(1, Math.round(count / 10));
  const rates: number[] = [];
  let next = 0;
  let done = 0;
  let stepStart = performance.now();
  const request = () => ({
    ministry: MINISTRY,
    type: TYPE,
    subject: structuredClone(fixtures[TYPE]) as Record<string, unknown>,
    suite: 'eddsa-rdfc-2022' as const,
  });
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        next += 1;
        await issuer.issue(request());
        done += 1;
        if (done % step === 0 || done === count) {
          const now = performance.now();
          const n = done % step === 0 ? step : done % step;
          const rate = (n * 1000) / (now - stepStart);
          rates.push(rate);
          log(
            `  credentials ${(done - n + 1).toLocaleString('en')}–${done.toLocaleString('en')}: ${rate.toFixed(1)}/s`,
          );
          stepStart = now;
        }
      }
    }),
  );
  return rates;
}

async function timeRevocations(issuer: Issuer, ids: string[]): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (const id of ids) {
    const started = performance.now();
    await issuer.revoke(id, 'benchmark');
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

async function timeServe(issuer: Issuer, listId: string): Promise<number> {
  const started = performance.now();
  await issuer.getStatusListCredential(listId);
  return performance.now() - started;
}

export async function runScale(count: number, log: (line: string) => void): Promise<void> {
  const given = process.env.VNEID_BENCH_DATABASE_URL;
  const server: TestPostgres | undefined = given ? undefined : await startTestPostgres();
  const url = given ?? (server as TestPostgres).url;
  const workers = Math.min(availableParallelism(), 4);
  const issuer = await createIssuer({
    databaseUrl: url,
    passphrase: SERVICE_PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
    signingWorkers: workers,
  });
  try {
    await issuer.addMinistry({
      slug: MINISTRY,
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      role: 'MinistryOfPublicSecurity',
    });
    await issuer.createKey(MINISTRY, 'Ed25519');
    log(
      `Scale run: ${count.toLocaleString('en')} credentials (eddsa-rdfc-2022, ${IN_FLIGHT} in flight, ${workers} signing workers) into PostgreSQL…`,
    );
    const started = performance.now();
    const rates = await issueAll(issuer, count, log);
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...rates].sort((a, b) => a - b);
    log(
      `  ${count.toLocaleString('en')} in ${seconds.toFixed(0)} s (${(count / seconds).toFixed(1)}/s); ` +
        `tenths from ${sorted[0]?.toFixed(1)} to ${sorted.at(-1)?.toFixed(1)}/s, last/first ${((rates.at(-1) ?? 0) / (rates[0] ?? 1)).toFixed(2)}`,
    );

    log('verifyAuditLog over every entry, in its own process…');
    const audit = JSON.parse(
      (
        await promisify(execFile)(
          process.execPath,
          [fileURLToPath(new URL('./scale-audit.js', import.meta.url)), url, SERVICE_PASSPHRASE],
          { maxBuffer: 1 << 20 },
        )
      ).stdout,
    ) as { valid: boolean; entries: number; ms: number; peakRssMB: number; rssBeforeMB: number };
    log(
      `  ${audit.valid ? 'valid' : 'INVALID'}, ${audit.entries.toLocaleString('en')} entries in ${(audit.ms / 1000).toFixed(1)} s; ` +
        `peak RSS ${audit.peakRssMB.toFixed(0)} MB, of which ${audit.rssBeforeMB.toFixed(0)} MB before the check (opening the issuer): ` +
        `the check added ${(audit.peakRssMB - audit.rssBeforeMB).toFixed(0)} MB (goal < 150 MB)`,
    );

    // The fullest revocation list and its credentials (two streamed passes: counts, then that list's ids).
    const counts = new Map<string, number>();
    for await (const r of issuer.records()) {
      const list = r.status?.revocation.listId;
      if (list) counts.set(list, (counts.get(list) ?? 0) + 1);
    }
    const listId = [...counts].sort((x, y) => y[1] - x[1])[0]?.[0] as string;
    const ids: string[] = [];
    for await (const r of issuer.records()) if (r.status?.revocation.listId === listId) ids.push(r.id);
    const onePercent = Math.ceil(LIST_LENGTH / 100);
    const half = Math.min(LIST_LENGTH / 2, ids.length);
    if (ids.length < onePercent + 2 * SAMPLES) {
      log(
        `  revoke latency: skipped, the fullest list holds ${ids.length} credentials (need ${onePercent + 2 * SAMPLES})`,
      );
      return;
    }
    // Set the list to 1 % in bulk (untimed), then time single revocations; again at the highest fill this run allows.
    const bulk = async (from: number, to: number) => {
      for (let i = from; i < to; i += 1000) await issuer.changeStatus(ids.slice(i, Math.min(to, i + 1000)), 'revoke');
    };
    await bulk(0, onePercent - SAMPLES);
    const low = await timeRevocations(issuer, ids.slice(onePercent - SAMPLES, onePercent));
    const lowServe = await timeServe(issuer, listId);
    await bulk(onePercent, half - SAMPLES);
    const high = await timeRevocations(issuer, ids.slice(half - SAMPLES, half));
    const highServe = await timeServe(issuer, listId);
    const fill = (n: number) => `${((n / LIST_LENGTH) * 100).toFixed(1)} %`;
    log(
      `  revoke() with ${fill(onePercent)} of the list set: p50 ${low.p50.toFixed(1)} ms, p99 ${low.p99.toFixed(1)} ms; ` +
        `building and signing the list ${lowServe.toFixed(0)} ms`,
    );
    log(
      `  revoke() with ${fill(half)} of the list set: p50 ${high.p50.toFixed(1)} ms, p99 ${high.p99.toFixed(1)} ms; ` +
        `building and signing the list ${highServe.toFixed(0)} ms` +
        (half < LIST_LENGTH / 2
          ? ` (the fullest list holds ${ids.length} credentials at this count: 50 % needs ≥ 65,536 in one list)`
          : ''),
    );
  } finally {
    await issuer.close();
    await server?.close();
  }
}
