// Worker-thread entry (started by http.ts): an open-loop load at a fixed
// rate. Request i is sent at start + i / rate whether or not earlier ones
// were answered, and its latency runs from that scheduled instant, so a
// server falling behind (or a late generator) shows in the percentiles
// rather than quietly lowering the rate.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';

export interface PacedJob {
  url: string;
  headers: Record<string, string>;
  body: string;
  perSecond: number;
  seconds: number;
}

export interface PacedResult {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** From the first scheduled send to the last answer. */
  elapsedMs: number;
  /** Latest a request left after its scheduled instant (charged to its latency). */
  maxSendLagMs: number;
  /** 2xx latencies in ms, from the scheduled send. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const TIMEOUT_MS = 10_000;

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

async function run(job: PacedJob): Promise<PacedResult> {
  const url = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { ...job.headers, 'content-length': String(Buffer.byteLength(job.body)) };
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let lastAnswer = 0;
  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        outcome();
        resolve();
      };
      const fail = () =>
        settle(() => {
          errors += 1;
        });
      const request = http.request(
        { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
        (response) => {
          response.on('error', fail);
          response.on('end', () =>
            settle(() => {
              lastAnswer = performance.now();
              const status = response.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                ok += 1;
                latencies.push(lastAnswer - scheduled);
              } else {
                non2xx += 1;
              }
            }),
          );
          response.resume();
        },
      );
      request.setTimeout(TIMEOUT_MS, () => request.destroy(new Error('timeout')));
      request.on('error', fail);
      request.end(job.body);
    });

  const total = Math.round(job.perSecond * job.seconds);
  const interval = 1000 / job.perSecond;
  const start = performance.now() + 5;
  let maxSendLagMs = 0;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = start + i * interval;
    const wait = at - performance.now();
    if (wait > 0) await sleep(wait);
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - at);
    inFlight.push(send(at));
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    sent: total,
    ok,
    non2xx,
    errors,
    elapsedMs: lastAnswer - start,
    maxSendLagMs,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}

if (!parentPort) throw new Error('paced-load runs as a worker thread of http.ts');
parentPort.postMessage(await run(workerData as PacedJob));
