// The targets of issue 7, each judged on this run's figures.
import { type Figure, rawMultiple, speedup, type Target } from './figures.js';
import type { HttpLevel } from './http.js';
import { RSS_TARGET_MB } from './memory.js';
import type { StatementCount } from './sd-statements.js';

const x = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(2)}×`);

export function evaluateTargets(
  figures: readonly Figure[],
  context: { statements: StatementCount; http: readonly HttpLevel[]; librarySdPerSecond: number },
): Target[] {
  const byKey = new Map(figures.map((f) => [f.key, f]));
  const fig = (key: string): Figure => {
    const f = byKey.get(key);
    if (!f) throw new Error(`no figure ${key}`);
    return f;
  };
  const atLeast = (key: string, text: string, value: number | undefined, min: number): Target => ({
    key,
    text,
    verdict: value !== undefined && value >= min ? 'PASS' : 'MISS',
    measured: x(value),
  });
  const atMost = (key: string, text: string, value: number | undefined, max: number): Target => ({
    key,
    text,
    verdict: value !== undefined && value <= max ? 'PASS' : 'MISS',
    measured: x(value),
  });

  const statusShare = fig('verify-status.eddsa').ours.value / fig('verify-nostatus.eddsa').ours.value - 1;
  const sdSigns = 1.5 * (1 + context.statements.nonMandatory);
  const http = context.http.map((l) => ({
    ...l,
    share: l.requestsPerSecond / context.librarySdPerSecond,
  }));
  const httpPass = http.some((l) => l.share >= 0.5 && l.p99 < 50 && l.non2xx === 0);
  const rss = fig('memory.verifier-idle').ours.value;

  return [
    atLeast(
      'issue.eddsa.library',
      'issue eddsa-rdfc-2022 ≥ 20× faster than the library',
      speedup(fig('issue.eddsa')),
      20,
    ),
    atMost('issue.eddsa.raw', 'issue eddsa-rdfc-2022 ≤ 3× a raw Ed25519 sign', rawMultiple(fig('issue.eddsa')), 3),
    atMost(
      'verify.eddsa.raw',
      'verify eddsa-rdfc-2022 ≤ 1.5× a raw Ed25519 verify',
      rawMultiple(fig('verify.eddsa')),
      1.5,
    ),
    atLeast(
      'verify-status.library',
      'verify + status ≥ 15× faster than the library',
      speedup(fig('verify-status.eddsa')),
      15,
    ),
    {
      key: 'verify-status.share',
      text: 'status adds ≤ 5% to verify (verifyCredential with vs without the status checks)',
      verdict: statusShare <= 0.05 ? 'PASS' : 'MISS',
      measured: `${(statusShare * 100).toFixed(1)}%`,
    },
    atMost(
      'issue.ecdsa-rdfc.raw',
      'issue ecdsa-rdfc-2019 ≤ 3× a raw P-256 sign',
      rawMultiple(fig('issue.ecdsa-rdfc')),
      3,
    ),
    atMost(
      'verify.ecdsa-rdfc.raw',
      'verify ecdsa-rdfc-2019 ≤ 1.5× a raw P-256 verify',
      rawMultiple(fig('verify.ecdsa-rdfc')),
      1.5,
    ),
    atMost(
      'issue.sd.raw',
      `issue ecdsa-sd-2023 ≤ 1.5 × (1 + ${context.statements.nonMandatory} non-mandatory statements) = ${sdSigns.toFixed(1)} raw P-256 signs`,
      rawMultiple(fig('issue.sd')),
      sdSigns,
    ),
    atLeast('derive.sd.library', 'derive ≥ 10× faster than the library', speedup(fig('derive.sd')), 10),
    atLeast(
      'verify.sd-derived.library',
      'verify derived ≥ 6× faster than the library',
      speedup(fig('verify.sd-derived')),
      6,
    ),
    {
      key: 'bulk.scaling',
      text: 'bulk issuance: 2 workers ≥ 1.8× one worker',
      verdict: 'N/A',
      measured: 'not measurable: issueBatch has no worker-count option',
    },
    {
      key: 'http.throughput',
      text: 'HTTP issue ≥ 50% of the library throughput with p99 < 50 ms (at some concurrency, no non-2xx)',
      verdict: httpPass ? 'PASS' : 'MISS',
      measured: http.map((l) => `c${l.connections}: ${(l.share * 100).toFixed(0)}%, p99 ${l.p99} ms`).join('; '),
    },
    {
      key: 'memory.rss',
      text: `idle verifier RSS < ${RSS_TARGET_MB} MB (under tsx)`,
      verdict: rss < RSS_TARGET_MB ? 'PASS' : 'MISS',
      measured: `${rss.toFixed(1)} MB`,
    },
  ];
}
