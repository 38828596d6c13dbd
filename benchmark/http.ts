// Issuance through the running HTTP service: the issuer app listening on
// 127.0.0.1 (free port) in this process, loaded by autocannon from a worker
// thread so the load generator does not share the server's event loop.
import { generateApiKey, hashApiKey, type Issuer, startServer } from '@vneid/issuer';
import { fixtures } from '@vneid/schemas';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { type IssueBaselines, issueBaselineColumns } from './bulk.js';
import type { Figure } from './figures.js';
import { TYPE } from './input.js';
import { MINISTRY } from './world.js';

export interface HttpLevel {
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
}

export async function measureHttp(issuer: Issuer, levels: readonly number[], seconds: number): Promise<HttpLevel[]> {
  const apiKey = generateApiKey();
  const server = await startServer({
    issuer,
    apiKeys: [{ ministry: MINISTRY, sha256: hashApiKey(apiKey) }],
    // Production logging (one JSON line per request) into /dev/null: its cost stays, its output does not.
    logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false })),
    // The per-key limit (60/min by default) would measure the limiter.
    rateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
    port: 0,
  });
  const body = JSON.stringify({
    credential: { type: ['VerifiableCredential', TYPE], credentialSubject: { ...fixtures[TYPE] } },
  });
  const results: HttpLevel[] = [];
  try {
    for (const connections of levels) {
      const r = await autocannon({
        url: `${server.url}/credentials/issue`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body,
        connections,
        duration: seconds,
        workers: 1,
      });
      results.push({
        connections,
        seconds: r.duration,
        requestsPerSecond: r['2xx'] / r.duration,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        p50: r.latency.p50,
        p99: r.latency.p99,
      });
    }
  } finally {
    await server.close();
  }
  return results;
}

export function httpFigures(levels: readonly HttpLevel[], baselines: IssueBaselines): Figure[] {
  return levels.map((l) => ({
    key: `http.c${l.connections}`,
    name: `HTTP POST /credentials/issue (ecdsa-sd-2023, the service default), ${l.connections} connection${l.connections === 1 ? '' : 's'}, ${l.seconds} s`,
    unit: 'req/s' as const,
    ours: { value: l.requestsPerSecond },
    ...issueBaselineColumns(baselines),
    notes: [
      'each request: API key, schema check, random status indexes, sign, record and audit entry durably written (synced LevelDB batch) before the answer',
      `latency p50 ${l.p50} ms, p99 ${l.p99} ms; ${l.ok} × 2xx, ${l.non2xx} non-2xx, ${l.errors} errors, ${l.timeouts} timeouts`,
    ],
  }));
}
