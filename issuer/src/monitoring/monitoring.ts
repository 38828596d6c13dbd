import { readFile } from 'node:fs/promises';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Issuer } from '../create-issuer.js';
import { signingQueueDepth } from '../lib/worker-pool.js';
import type { AuditHead } from '../verify-audit-log.js';
import { type AuthBursts, createAuthBursts } from './auth-bursts.js';
import { cachedProbe } from './cached-probe.js';

/** What the service's monitoring watches and how often; every field has a default. */
export interface MonitoringOptions {
  /** Days a signing key may sign after its `validFrom` (rotation policy); default 365. */
  keyLifetimeDays?: number;
  /** Allocations after which a status list closes (the issuer's `maxAllocationsPerList`); default 65,536. */
  statusListCapacity?: number;
  /** Failed authentications from one address or key within the window that count as a burst; default 20. */
  authBurstThreshold?: number;
  /** Sliding window of the burst count, seconds; default 300. */
  authBurstWindowSeconds?: number;
  /** Seconds between audit-chain checks (run from scrapes, in the background); default 3,600; 0 checks on every scrape. */
  auditCheckIntervalSeconds?: number;
  /** Seconds between recounts of status-list fill; default 60; 0 recounts on every scrape. */
  statusListRefreshSeconds?: number;
  /** File holding the last audit head exported elsewhere (`{ seq, hash }`): the check then also catches a cut tail. */
  auditAnchorFile?: string;
  now?: () => Date;
}

/**
 * What the HTTP layer tells the monitoring about one finished request. Only
 * bounded, non-personal values: ministry slug, credential type, action,
 * error code — never a credential id, subject or key.
 */
export interface RequestOutcome {
  /** Route name: `issue`, `status`, `status-list`, `did`, `admin`, `health`, `metrics`, `openapi`, `other`. */
  route: string;
  status: number;
  seconds: number;
  ministry?: string;
  type?: string;
  /** For `status`: revoke, suspend or reinstate. */
  action?: string;
  code?: string;
  /** Client address and SHA-256 of a presented key, only for the in-memory burst counts. */
  address?: string;
  keyHash?: string;
}

/** The service's Prometheus registry and the hooks that feed it. */
export interface Monitoring {
  readonly registry: Registry;
  /** Called by the HTTP layer once per finished request. */
  observe(outcome: RequestOutcome): void;
  /** A storage failure seen outside a request (a failed readiness probe). */
  storageError(code: string): void;
  /** Runs the audit-chain check now and records its result. */
  runAuditCheck(): Promise<boolean | undefined>;
  /** Prometheus text exposition, after refreshing the probed gauges. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** Error codes that mean the store failed, not the request. */
export const STORAGE_ERROR_CODES: ReadonlySet<string> = new Set([
  'STORAGE_WRITE_FAILED',
  'DATABASE_LOCKED',
  'STORAGE_UNAVAILABLE',
  'STORAGE_ERROR',
]);

const AUTH_FAILURE_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED']);
const DAY_MS = 86_400_000;

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    throw new RangeError(`${name} must be a positive number`);
  return v;
}

/**
 * The issuer service's monitoring: counters fed by {@link Monitoring.observe}
 * from the HTTP layer, and gauges probed through the issuer's public methods
 * at scrape time (status-list fill from the lists' allocation counters, key windows
 * from the ministries, the audit chain through `verifyAuditLog`). Labels are
 * only ministry, type, outcome and code: a label per credential, citizen or
 * API key would leak identifiers and grow without bound.
 *
 * @example
 * const monitoring = createMonitoring(issuer, { keyLifetimeDays: 365 });
 * const app = createApp({ issuer, apiKeys, monitoring });
 */
export function createMonitoring(issuer: Issuer, options: MonitoringOptions = {}): Monitoring {
  const now = options.now ?? (() => new Date());
  const keyLifetimeDays = positive('keyLifetimeDays', options.keyLifetimeDays, 365);
  const capacity = positive('statusListCapacity', options.statusListCapacity, 65_536);
  const bursts: AuthBursts = createAuthBursts({
    threshold: positive('authBurstThreshold', options.authBurstThreshold, 20),
    windowMs: positive('authBurstWindowSeconds', options.authBurstWindowSeconds, 300) * 1000,
  });
  const auditMs = positive('auditCheckIntervalSeconds', options.auditCheckIntervalSeconds, 3600, true) * 1000;
  const fillMs = positive('statusListRefreshSeconds', options.statusListRefreshSeconds, 60, true) * 1000;

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const issuances = new Counter({
    name: 'vneid_issuances_total',
    help: 'Credentials issued, by ministry and credential type.',
    labelNames: ['ministry', 'type'] as const,
    registers: [registry],
  });
  const statusChange = (name: string, what: string) =>
    new Counter({
      name,
      help: `Credentials ${what}, by ministry and credential type.`,
      labelNames: ['ministry', 'type'] as const,
      registers: [registry],
    });
  const changes: Record<string, Counter<'ministry' | 'type'>> = {
    revoke: statusChange('vneid_revocations_total', 'revoked'),
    suspend: statusChange('vneid_suspensions_total', 'suspended'),
    reinstate: statusChange('vneid_reinstatements_total', 'reinstated'),
  };
  const refusals = new Counter({
    name: 'vneid_refusals_total',
    help: 'Issuing and status requests refused, by ministry (or "none" before authentication), type and error code.',
    labelNames: ['ministry', 'type', 'code'] as const,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'vneid_auth_failures_total',
    help: 'Requests refused as unauthenticated, forbidden or rate limited, by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'vneid_http_request_duration_seconds',
    help: 'Request latency by route (type) and outcome (status class).',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'vneid_storage_errors_total',
    help: 'Storage failures (failed writes, an unreachable store), by code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const clockSkew = new Counter({
    name: 'vneid_status_list_clock_skew_total',
    help: 'Status list reads refused because the last copy is dated ahead of the clock (STATUS_LIST_CLOCK_SKEW).',
    registers: [registry],
  });
  new Gauge({
    name: 'vneid_signing_queue_depth',
    help: 'Signing jobs waiting for or inside a signing worker.',
    registers: [registry],
    collect() {
      this.set(signingQueueDepth());
    },
  });
  const burstGauge = new Gauge({
    name: 'vneid_auth_failure_bursts',
    help: 'Sources (type="address" or "key") with a burst of failed authentication in the window.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const keyDays = new Gauge({
    name: 'vneid_signing_key_days_remaining',
    help: "Days until each ministry's active signing key reaches the end of its window (validFrom + key lifetime).",
    labelNames: ['ministry', 'type'] as const,
    registers: [registry],
  });
  const fill = new Gauge({
    name: 'vneid_status_list_fill_ratio',
    help: "Allocated share of each ministry's current status list of each purpose (type); a full list closes and the next opens.",
    labelNames: ['ministry', 'type'] as const,
    registers: [registry],
  });
  const auditOk = new Gauge({
    name: 'vneid_audit_check_ok',
    help: 'Result of the last audit-chain check: 1 intact, 0 broken or failed to run.',
    registers: [registry],
  });
  const auditAt = new Gauge({
    name: 'vneid_audit_check_timestamp_seconds',
    help: 'When the last audit-chain check finished (Unix seconds).',
    registers: [registry],
  });
  const auditChecks = new Counter({
    name: 'vneid_audit_checks_total',
    help: 'Audit-chain checks run, by outcome (ok, broken, error).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  const storageError = (code: string) => storageErrors.inc({ code });

  const runAudit = async (): Promise<boolean> => {
    let anchor: AuditHead | undefined;
    if (options.auditAnchorFile) anchor = JSON.parse(await readFile(options.auditAnchorFile, 'utf8')) as AuditHead;
    const result = await issuer.verifyAuditLog(anchor ? { anchor } : {});
    auditChecks.inc({ outcome: result.valid ? 'ok' : 'broken' });
    auditOk.set(result.valid ? 1 : 0);
    auditAt.set(now().getTime() / 1000);
    return result.valid;
  };
  const audit = cachedProbe(runAudit, auditMs, () => {
    // A check that cannot run is a failed check: nobody knows the chain is intact.
    auditChecks.inc({ outcome: 'error' });
    auditOk.set(0);
    auditAt.set(now().getTime() / 1000);
  });

  const countFill = async (): Promise<Map<string, number>> => {
    // The current list of a ministry and purpose is the highest-numbered one
    // holding any allocation. Read from the lists' counters: loading every
    // issuance record per scrape would not survive national scale.
    const counts = new Map<string, { seq: number; n: number }>();
    for (const list of await issuer.statusListFill()) {
      if (list.allocated === 0) continue;
      const key = `${list.ministry}\u0000${list.purpose}`;
      const c = counts.get(key);
      if (!c || list.seq > c.seq) counts.set(key, { seq: list.seq, n: list.allocated });
    }
    return new Map([...counts].map(([k, c]) => [k, c.n / capacity]));
  };
  const fills = cachedProbe(countFill, fillMs, () => storageError('STORAGE_ERROR'));

  return {
    registry,
    observe(o) {
      const type = o.type ?? 'none';
      const ministry = o.ministry ?? 'none';
      duration.observe({ type: o.route, outcome: `${Math.floor(o.status / 100)}xx` }, o.seconds);
      if (o.code && STORAGE_ERROR_CODES.has(o.code)) storageError(o.code);
      if (o.code === 'STATUS_LIST_CLOCK_SKEW') clockSkew.inc();
      if (o.code && AUTH_FAILURE_CODES.has(o.code)) {
        authFailures.inc({ code: o.code });
        // An address bursts with keys that do not authenticate (guessing); a key also with
        // refusals of what it may do (a stolen key probing other ministries' credentials).
        if (o.address && o.code === 'UNAUTHENTICATED') bursts.record('address', o.address);
        if (o.keyHash && o.code !== 'RATE_LIMITED') bursts.record('key', o.keyHash);
      }
      if (o.route !== 'issue' && o.route !== 'status' && o.route !== 'admin' && o.route !== 'batch') return;
      if (o.status >= 400) {
        refusals.inc({ ministry, type, code: o.code ?? 'INTERNAL_ERROR' });
        return;
      }
      if (o.route === 'issue') issuances.inc({ ministry, type });
      else if (o.route === 'status' && o.action && changes[o.action]) changes[o.action]?.inc({ ministry, type });
    },
    storageError,
    runAuditCheck: () => audit.refresh(),
    async scrape() {
      const b = bursts.bursting();
      burstGauge.set({ type: 'address' }, b.address);
      burstGauge.set({ type: 'key' }, b.key);
      keyDays.reset();
      const t = now().getTime();
      for (const m of issuer.listMinistries()) {
        for (const k of m.keys) {
          if (k.validUntil !== undefined) continue;
          const end = Date.parse(k.validFrom) + keyLifetimeDays * DAY_MS;
          keyDays.set({ ministry: m.slug, type: k.keyType }, (end - t) / DAY_MS);
        }
      }
      const [counted] = await Promise.all([fills.read(), audit.read()]);
      fill.reset();
      for (const m of issuer.listMinistries()) {
        for (const purpose of ['revocation', 'suspension']) {
          fill.set({ ministry: m.slug, type: purpose }, counted?.get(`${m.slug}\u0000${purpose}`) ?? 0);
        }
      }
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
