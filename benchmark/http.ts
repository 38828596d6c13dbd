// Issuance through the running HTTP service: the issuer app listening on
// 127.0.0.1 (free port) in this process, its issuer keeping the signing
// workers the service's main.ts starts (min(cores, 4)). The load comes from
// worker threads (autocannon's, and paced-load.ts) so the generator does not
// share the server's event loop. Per suite: two runs at a fixed rate, half
// the library's single-thread signing rate measured earlier in this run,
// then saturating runs at fixed connection counts (last, so their unanswered
// requests cannot load the fixed-rate runs).
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { generateApiKey, hashApiKey, startServer } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { issueBaselineColumns, type SuiteBaseline } from './bulk.js';
import type { Figure } from './figures.js';
import { TYPE } from './input.js';
import { openIssuer, SERVICE_SIGNING_WORKERS } from './issuers.js';
import type { PacedJob, PacedResult } from './paced-load.js';
import { MINISTRY } from './world.js';

/** Share of the library's rate the fixed-rate runs offer (the target's "≥ 50% of the library throughput"). */
export const RATE_SHARE = 0.5;
/** Connections of the autocannon fixed-rate run: the middle saturation level. */
const RATE_CONNECTIONS = 8;
const WARM_REQUESTS = 64;
const SETTLE_MS = 1000;
const SUITE_KEY = { 'ecdsa-sd-2023': '', 'eddsa-rdfc-2022': 'eddsa.' } as const;

export interface HttpRun {
  suite: SuiteBaseline['suite'];
  /** saturation: every connection sends its next request on each answer; the other two hold a fixed rate. */
  load: 'saturation' | 'autocannon-rate' | 'paced';
  connections?: number;
  offeredPerSecond?: number;
  seconds: number;
  /** 2xx answers per second. */
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx latency percentiles, ms. */
  p50: number;
  p90: number;
  p99: number;
  /** paced only: the latest a request left after its scheduled instant. */
  maxSendLagMs?: number;
}

export interface HttpResult {
  signingWorkers: number;
  runs: HttpRun[];
}

export interface HttpPlan {
  suites: readonly SuiteBaseline[];
  levels: readonly number[];
  seconds: number;
  rateSeconds: number;
}

function paced(job: PacedJob): Promise<PacedResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./paced-load.js', import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`paced load worker exited (${code}) without a result`)));
  });
}

export async function measureHttp(dir: string, plan: HttpPlan): Promise<HttpResult> {
  const issuer = await openIssuer(dir, 'http', SERVICE_SIGNING_WORKERS);
  const apiKey = generateApiKey();
  const runs: HttpRun[] = [];
  try {
    const server = await startServer({
      issuer,
      apiKeys: [{ ministry: MINISTRY, sha256: hashApiKey(apiKey) }],
      // Production logging (one JSON line per request) into /dev/null: its cost stays, its output does not.
      logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })),
      // The per-key limit (60/min by default) would measure the limiter.
      rateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
      port: 0,
    });
    try {
      const url = `${server.url}/credentials/issue`;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
      for (const baseline of plan.suites) {
        const { suite } = baseline;
        // ecdsa-sd-2023 is the service default: its body names no suite. The route lets a request pick one in `options.suite`.
        const body = JSON.stringify({
          credential: { type: ['VerifiableCredential', TYPE], credentialSubject: { ...fixtures[TYPE] } },
          ...(suite === 'ecdsa-sd-2023' ? {} : { options: { suite } }),
        });
        const load = (options: Partial<autocannon.Options>) =>
          autocannon({ url, method: 'POST', headers, body, workers: 1, ...options });
        // Let the previous suite's last saturating run drain (autocannon stops without waiting for its answers).
        await sleep(SETTLE_MS);
        const warm = await load({ amount: WARM_REQUESTS, connections: 4 });
        if (warm['2xx'] !== WARM_REQUESTS) throw new Error(`warm-up of ${suite}: ${warm.non2xx} non-2xx answers`);
        const fromAutocannon = (r: autocannon.Result) => ({
          seconds: r.duration,
          requestsPerSecond: r['2xx'] / r.duration,
          ok: r['2xx'],
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
        });
        const rate = Math.ceil(RATE_SHARE * baseline.libraryPerSecond);
        const p = await paced({ url, headers, body, perSecond: rate, seconds: plan.rateSeconds });
        runs.push({
          suite,
          load: 'paced',
          offeredPerSecond: rate,
          seconds: p.elapsedMs / 1000,
          requestsPerSecond: (p.ok * 1000) / p.elapsedMs,
          ok: p.ok,
          non2xx: p.non2xx,
          errors: p.errors,
          timeouts: 0,
          p50: p.p50,
          p90: p.p90,
          p99: p.p99,
          maxSendLagMs: p.maxSendLagMs,
        });
        // autocannon's own latency correction assumes a 1 ms request interval here (it passes 1/rate in
        // seconds as milliseconds), which would add synthetic samples: raw latencies instead.
        const bursty = await load({
          connections: RATE_CONNECTIONS,
          overallRate: rate,
          ignoreCoordinatedOmission: true,
          duration: plan.rateSeconds,
        });
        runs.push({
          suite,
          load: 'autocannon-rate',
          connections: RATE_CONNECTIONS,
          offeredPerSecond: rate,
          ...fromAutocannon(bursty),
        });
        for (const connections of plan.levels) {
          const r = await load({ connections, duration: plan.seconds });
          runs.push({ suite, load: 'saturation', connections, ...fromAutocannon(r) });
        }
      }
    } finally {
      await server.close();
    }
  } finally {
    await issuer.close();
  }
  return { signingWorkers: SERVICE_SIGNING_WORKERS, runs };
}

const ms = (n: number) => (Number.isInteger(n) ? `${n}` : n.toFixed(1));

function runName(run: HttpRun, signingWorkers: number): string {
  const suite = run.suite === 'ecdsa-sd-2023' ? 'ecdsa-sd-2023, the service default' : `${run.suite}, options.suite`;
  const head = `HTTP POST /credentials/issue (${suite}; ${signingWorkers} signing workers)`;
  const secs = `${Math.round(run.seconds)} s`;
  if (run.load === 'saturation') {
    return `${head}, ${run.connections} connection${run.connections === 1 ? '' : 's'} saturating, ${secs}`;
  }
  const share = `${RATE_SHARE * 100}% of the library`;
  return run.load === 'paced'
    ? `${head}, fixed rate ${run.offeredPerSecond} req/s (${share}), evenly spaced, ${secs}`
    : `${head}, fixed rate ${run.offeredPerSecond} req/s (${share}), autocannon overallRate over ${run.connections} connections, ${secs}`;
}

export function httpFigures(http: HttpResult, baselines: readonly SuiteBaseline[]): Figure[] {
  return http.runs.map((run) => {
    const baseline = baselines.find((b) => b.suite === run.suite) as SuiteBaseline;
    const key =
      run.load === 'saturation'
        ? `http.${SUITE_KEY[run.suite]}c${run.connections}`
        : `http.${SUITE_KEY[run.suite]}${run.load === 'paced' ? 'rate-paced' : 'rate-autocannon'}`;
    const notes = [
      `${((run.requestsPerSecond / baseline.libraryPerSecond) * 100).toFixed(0)}% of the library's single-thread rate; ` +
        `latency p50 ${ms(run.p50)} ms, p90 ${ms(run.p90)} ms, p99 ${ms(run.p99)} ms; ` +
        `${run.ok} × 2xx, ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`,
    ];
    if (run.load === 'paced') {
      notes.push(
        'open loop: request i leaves at i / rate whether or not earlier ones were answered; latency from that instant ' +
          `(the generator was at most ${ms(run.maxSendLagMs ?? 0)} ms late)`,
      );
    }
    if (run.load === 'autocannon-rate') {
      notes.push(
        `autocannon's rate limit lets each connection send its share of the second back to back from the start of each ` +
          `second, then wait: bursts of up to ${run.connections} concurrent requests, not evenly spaced ones`,
      );
    }
    if (run.load === 'paced' && run.suite === 'ecdsa-sd-2023') {
      notes.push(
        'each request: API key, schema check, random status indexes, sign (worker thread), ' +
          'record and audit entry durably written (synced LevelDB, group commit) before the answer',
      );
    }
    return {
      key,
      name: runName(run, http.signingWorkers),
      unit: 'req/s' as const,
      ours: { value: run.requestsPerSecond },
      ...issueBaselineColumns(baseline),
      notes,
    };
  });
}
