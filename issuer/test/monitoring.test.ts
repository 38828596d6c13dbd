import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createMonitoring } from '../src/index.js';
import { parseMetrics, sampleValue } from './helpers/prometheus-text.js';
import { startTestService, type TestService } from './helpers/service.js';
import { tempDir } from './helpers/setup.js';

const cid = (subject: unknown = structuredClone(fixtures.CitizenIdentityCard)) => ({
  credential: { type: ['VerifiableCredential', 'CitizenIdentityCard'], credentialSubject: subject },
});

async function scrape(svc: TestService, token?: string) {
  const res = await fetch(`${svc.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { res, text: res.status === 200 ? await res.text() : '' };
}

let svc: TestService;
let anchorFile: string;
test.before(async () => {
  anchorFile = join(await tempDir('vneid-anchor-'), 'audit-head.json');
  svc = await startTestService({
    issuerOptions: { maxAllocationsPerList: 4 },
    monitoring: (issuer) =>
      createMonitoring(issuer, {
        statusListCapacity: 4,
        keyLifetimeDays: 20,
        authBurstThreshold: 3,
        auditCheckIntervalSeconds: 0,
        statusListRefreshSeconds: 0,
        auditAnchorFile: anchorFile,
      }),
  });
  await writeFile(anchorFile, JSON.stringify(svc.issuer.auditHead()));
});
test.after.always(async () => {
  await svc?.close();
});

test.serial('issuances, revocations, suspensions and refusals are counted by ministry, type and code', async (t) => {
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await svc.post('/credentials/issue', cid(), svc.keys['bo-cong-an']);
    t.is(res.status, 201);
    ids.push(((await res.json()) as { verifiableCredential: { id: string } }).verifiableCredential.id);
  }
  const bad = await svc.post(
    '/credentials/issue',
    cid({ ...fixtures.CitizenIdentityCard, dateOfBirth: 'x' }),
    svc.keys['bo-cong-an'],
  );
  t.is(bad.status, 422);
  t.is(
    (await svc.post('/credentials/status', { credentialId: ids[0], action: 'revoke' }, svc.keys['bo-cong-an'])).status,
    200,
  );
  t.is(
    (await svc.post('/credentials/status', { credentialId: ids[1], action: 'suspend' }, svc.keys['bo-cong-an'])).status,
    200,
  );
  // Another ministry's key may not change it: a refusal, not a revocation. It answers like an
  // unknown id (404); the metrics, which only the operator sees, count it as FORBIDDEN.
  t.is((await svc.post('/credentials/status', { credentialId: ids[2], action: 'revoke' }, svc.keys.bhxh)).status, 404);
  const { res, text } = await scrape(svc);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const m = parseMetrics(text);
  const boca = { ministry: 'bo-cong-an', type: 'CitizenIdentityCard' };
  t.is(sampleValue(m, 'vneid_issuances_total', boca), 3);
  t.is(sampleValue(m, 'vneid_revocations_total', boca), 1);
  t.is(sampleValue(m, 'vneid_suspensions_total', boca), 1);
  t.is(sampleValue(m, 'vneid_refusals_total', { ...boca, code: 'SCHEMA_VALIDATION_ERROR' }), 1);
  t.is(sampleValue(m, 'vneid_refusals_total', { ministry: 'bhxh', type: 'CitizenIdentityCard', code: 'FORBIDDEN' }), 1);
  t.is(sampleValue(m, 'vneid_revocations_total', { ministry: 'bhxh', type: 'CitizenIdentityCard' }), undefined);
  t.true((sampleValue(m, 'vneid_http_request_duration_seconds_count', { type: 'issue', outcome: '2xx' }) ?? 0) >= 3);
  t.is(sampleValue(m, 'vneid_signing_queue_depth'), 0);
  // Labels are only ministry, type, outcome, code (and le/quantile of histograms): no id, key or subject.
  const allowed = new Set([
    'ministry',
    'type',
    'outcome',
    'code',
    'le',
    'quantile',
    'space',
    'version',
    'major',
    'minor',
    'patch',
    'kind',
  ]);
  for (const s of m.filter((x) => x.name.startsWith('vneid_'))) {
    for (const l of Object.keys(s.labels)) t.true(allowed.has(l), `${s.name} has label ${l}`);
  }
  for (const secret of [
    ...ids,
    svc.keys['bo-cong-an'] as string,
    fixtures.CitizenIdentityCard.personalIdentificationNumber,
  ]) {
    t.false(text.includes(secret), 'no identifier in the metrics');
  }
});

test.serial('status-list fill follows allocations and drops when the list closes and the next opens', async (t) => {
  // 3 issued above into a list closing at 4.
  let m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_status_list_fill_ratio', { ministry: 'bo-cong-an', type: 'revocation' }), 0.75);
  t.is(sampleValue(m, 'vneid_status_list_fill_ratio', { ministry: 'bhxh', type: 'revocation' }), 0);
  for (let i = 0; i < 2; i++) t.is((await svc.post('/credentials/issue', cid(), svc.keys['bo-cong-an'])).status, 201);
  m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_status_list_fill_ratio', { ministry: 'bo-cong-an', type: 'revocation' }), 0.25);
  t.is(sampleValue(m, 'vneid_status_list_fill_ratio', { ministry: 'bo-cong-an', type: 'suspension' }), 0.25);
});

test.serial('days until each active key’s window ends', async (t) => {
  const m = parseMetrics((await scrape(svc)).text);
  const days = sampleValue(m, 'vneid_signing_key_days_remaining', { ministry: 'bo-cong-an', type: 'P-256' });
  t.true(days !== undefined && days > 19.9 && days <= 20, String(days));
  // A rotation retires the old key: only the new one is reported, with a full window.
  await svc.issuer.rotateKey('bhxh', 'P-256');
  const after = parseMetrics((await scrape(svc)).text);
  t.is(after.filter((s) => s.name === 'vneid_signing_key_days_remaining' && s.labels.ministry === 'bhxh').length, 1);
});

test.serial('a burst of failed authentication from one address and one key is counted; fewer is not', async (t) => {
  const bad = 'vneid_not-a-key-of-this-service';
  for (let i = 0; i < 2; i++) t.is((await svc.post('/credentials/issue', cid(), bad)).status, 401);
  let m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_auth_failure_bursts', { type: 'address' }), 0);
  t.is(sampleValue(m, 'vneid_auth_failure_bursts', { type: 'key' }), 0);
  t.is((await svc.post('/credentials/issue', cid(), bad)).status, 401);
  m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_auth_failure_bursts', { type: 'address' }), 1);
  t.is(sampleValue(m, 'vneid_auth_failure_bursts', { type: 'key' }), 1);
  t.true((sampleValue(m, 'vneid_auth_failures_total', { code: 'UNAUTHENTICATED' }) ?? 0) >= 3);
});

test.serial('the audit check reports an intact chain, and a broken one against an exported head', async (t) => {
  await writeFile(anchorFile, JSON.stringify(svc.issuer.auditHead()));
  let m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_audit_check_ok'), 1);
  t.true((sampleValue(m, 'vneid_audit_checks_total', { outcome: 'ok' }) ?? 0) >= 1);
  // A head exported elsewhere that the log no longer reaches: the tail was cut.
  const head = svc.issuer.auditHead();
  await writeFile(anchorFile, JSON.stringify({ seq: head.seq + 5, hash: head.hash }));
  m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_audit_check_ok'), 0);
  t.true((sampleValue(m, 'vneid_audit_checks_total', { outcome: 'broken' }) ?? 0) >= 1);
  await writeFile(anchorFile, 'not json');
  m = parseMetrics((await scrape(svc)).text);
  t.is(sampleValue(m, 'vneid_audit_check_ok'), 0, 'a check that cannot run is a failed check');
  t.true((sampleValue(m, 'vneid_audit_checks_total', { outcome: 'error' }) ?? 0) >= 1);
});

test.serial('the access log names who, what and the outcome, and no personal data', async (t) => {
  const lines = svc.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.log === 'access');
  const issued = lines.find((l) => l.action === 'issue' && l.status === 201);
  t.like(issued, { ministry: 'bo-cong-an', type: 'CitizenIdentityCard', outcome: 'ok', method: 'POST' });
  t.regex(String(issued?.keyId), /^[0-9a-f]{16}$/);
  t.like(
    lines.find((l) => l.action === 'revoke'),
    { ministry: 'bo-cong-an', outcome: 'ok', status: 200 },
  );
  t.like(
    lines.find((l) => l.code === 'UNAUTHENTICATED'),
    { ministry: null, outcome: 'refused', status: 401 },
  );
  const all = svc.logs.join('\n');
  t.false(all.includes(fixtures.CitizenIdentityCard.personalIdentificationNumber));
  t.false(all.includes(fixtures.CitizenIdentityCard.fullName));
  for (const key of Object.values(svc.keys)) t.false(all.includes(key), 'no API key in the logs');
  // Public reads are logged as plain requests, not access entries.
  await fetch(`${svc.url}/health`);
  t.false(svc.logs.slice(-1).some((l) => (JSON.parse(l) as { log?: string }).log === 'access'));
});

test.serial('/health answers alive, /ready answers ready while the store answers', async (t) => {
  t.deepEqual(await (await fetch(`${svc.url}/health`)).json(), { status: 'ok' });
  const ready = await fetch(`${svc.url}/ready`);
  t.is(ready.status, 200);
  t.like(await ready.json(), { status: 'ready', checks: { storage: 'ok', keys: 'ok' } });
});

test('with a metrics token, /metrics refuses a scraper without it and serves one with it', async (t) => {
  const s = await startTestService({ metricsToken: 'scrape-token-0123456789' });
  try {
    t.is((await scrape(s)).res.status, 401);
    t.is((await scrape(s, 'scrape-token-wrong-012345')).res.status, 401);
    const ok = await scrape(s, 'scrape-token-0123456789');
    t.is(ok.res.status, 200);
    t.true(ok.text.includes('vneid_issuances_total'));
  } finally {
    await s.close();
  }
});

test('when the store stops answering, /ready is 503, /health stays 200 and a storage error is counted', async (t) => {
  const s = await startTestService();
  try {
    t.is((await fetch(`${s.url}/ready`)).status, 200);
    await s.issuer.close();
    const res = await fetch(`${s.url}/ready`);
    t.is(res.status, 503);
    t.like(await res.json(), { status: 'not-ready', checks: { storage: 'unreachable' } });
    t.is((await fetch(`${s.url}/health`)).status, 200);
    const m = parseMetrics((await scrape(s)).text);
    t.true((sampleValue(m, 'vneid_storage_errors_total', { code: 'STORAGE_UNAVAILABLE' }) ?? 0) >= 1);
  } finally {
    await s.close();
  }
});
