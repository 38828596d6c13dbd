import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { parse, stringify } from 'yaml';
import { createMonitoring } from '../src/index.js';
import { parseMetrics, type Sample } from './helpers/prometheus-text.js';
import { findPromtool, promtool } from './helpers/promtool.js';
import { startTestService } from './helpers/service.js';
import { removeDir, tempDir } from './helpers/setup.js';

const DIR = new URL('../monitoring/', import.meta.url).pathname;

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts: Array<{ exp_labels: Record<string, string>; exp_annotations?: Record<string, string> }>;
}

async function rules(): Promise<Rule[]> {
  const doc = parse(await readFile(join(DIR, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules);
}

async function requirePromtool(): Promise<string> {
  const bin = await findPromtool();
  // No skip: CI must have it (Debian: apt-get install -y prometheus).
  if (!bin) throw new Error('promtool not found: install Debian’s prometheus package (apt-get install -y prometheus)');
  return bin;
}

test('alerts.yml passes promtool check rules and its unit tests (promtool test rules)', async (t) => {
  const bin = await requirePromtool();
  const check = await promtool(bin, ['check', 'rules', 'alerts.yml'], DIR);
  t.is(check.code, 0, check.output);
  const unit = await promtool(bin, ['test', 'rules', 'alerts.test.yml'], DIR);
  t.is(unit.code, 0, unit.output);
});

test('every alert has a case where it fires and a case where it stays quiet', async (t) => {
  const tests = (
    parse(await readFile(join(DIR, 'alerts.test.yml'), 'utf8')) as { tests: Array<{ alert_rule_test: AlertTest[] }> }
  ).tests.flatMap((x) => x.alert_rule_test);
  const all = await rules();
  t.true(all.length >= 8);
  for (const rule of all) {
    const cases = tests.filter((c) => c.alertname === rule.alert);
    t.true(
      cases.some((c) => c.exp_alerts.length > 0),
      `${rule.alert} fires somewhere`,
    );
    t.true(
      cases.some((c) => c.exp_alerts.length === 0),
      `${rule.alert} stays quiet somewhere`,
    );
    // Labels an alert groups by are only the ones metrics may carry.
    for (const m of rule.expr.matchAll(/by \(([^)]*)\)/g)) {
      for (const l of (m[1] as string).split(',').map((s) => s.trim())) {
        t.true(['ministry', 'type', 'outcome', 'code'].includes(l), `${rule.alert} groups by ${l}`);
      }
    }
  }
});

test('a rule changed so that it no longer fires fails promtool test rules', async (t) => {
  const bin = await requirePromtool();
  const dir = await tempDir('vneid-alerts-');
  t.teardown(() => removeDir(dir));
  const text = await readFile(join(DIR, 'alerts.yml'), 'utf8');
  t.true(text.includes('vneid_status_list_fill_ratio > 0.9'));
  await writeFile(
    join(dir, 'alerts.yml'),
    text.replace('vneid_status_list_fill_ratio > 0.9', 'vneid_status_list_fill_ratio > 0.99'),
  );
  // Only the status-list case: the day-long rate cases would take promtool another 20 s.
  const unitTests = parse(await readFile(join(DIR, 'alerts.test.yml'), 'utf8')) as { tests: Array<{ name: string }> };
  unitTests.tests = unitTests.tests.filter((x) => x.name === 'status list near full');
  t.is(unitTests.tests.length, 1);
  await writeFile(join(dir, 'alerts.test.yml'), stringify(unitTests));
  const unit = await promtool(bin, ['test', 'rules', 'alerts.test.yml'], dir);
  t.not(unit.code, 0);
  t.regex(unit.output, /VneidStatusListNearFull/);
});

// ---- The service driven into each alert's condition; promtool evaluates the rules on what it scraped.

const STEP_SECONDS = 15;
// An hour of flat history is enough: the rate alerts' day-long baseline is then 0 (computed over what exists).
const HISTORY_STEPS = 3600 / STEP_SECONDS;
const PACE_STEPS = 60; // 15 minutes of scrapes after the day of history

function seriesName(s: Sample): string {
  const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return labels.length > 0 ? `${s.name}{${labels.join(',')}}` : s.name;
}

/**
 * A gauge keeps the value the service showed; a counter stays at its value
 * before the drive for an hour (the ministry's usual: nothing), then rises by
 * the increase the drive produced at every 15 s scrape for 15 minutes (the
 * service kept the pace the test drove it at).
 */
function inputSeries(before: Sample[], after: Sample[], counters: ReadonlySet<string>) {
  return after
    .filter(
      (s) =>
        s.name.startsWith('vneid_') &&
        !s.name.includes('_bucket') &&
        !s.name.endsWith('_sum') &&
        !s.name.endsWith('_count'),
    )
    .map((s) => {
      if (!counters.has(s.name)) return { series: seriesName(s), values: `${s.value}x${HISTORY_STEPS + PACE_STEPS}` };
      const start = before.find((b) => seriesName(b) === seriesName(s))?.value ?? 0;
      const increase = s.value - start;
      return { series: seriesName(s), values: `${start}x${HISTORY_STEPS} ${start}+${increase}x${PACE_STEPS}` };
    });
}

function render(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_m, l: string) => labels[l] ?? '');
}

test('driven into each alert’s condition, the service’s own metrics fire that alert in promtool', async (t) => {
  const bin = await requirePromtool();
  const dir = await tempDir('vneid-alerts-live-');
  const anchorFile = join(dir, 'audit-head.json');
  const svc = await startTestService({
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
  t.teardown(async () => {
    await svc.close();
    await removeDir(dir);
  });
  const scrape = async () => parseMetrics(await (await fetch(`${svc.url}/metrics`)).text());
  const issue = async (ministry: string, type: keyof typeof fixtures) => {
    const res = await svc.post(
      '/credentials/issue',
      { credential: { type: ['VerifiableCredential', type], credentialSubject: structuredClone(fixtures[type]) } },
      svc.keys[ministry],
    );
    t.is(res.status, 201);
    return ((await res.json()) as { verifiableCredential: { id: string } }).verifiableCredential.id;
  };
  // Series exist (at 0) before the drive, as they would on a running service.
  await issue('bhxh', 'HealthInsuranceCard');
  await writeFile(anchorFile, JSON.stringify(svc.issuer.auditHead()));
  const before = await scrape();

  // Issuance pace: 5 credentials by one ministry within a scrape interval.
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await issue('bo-cong-an', 'CitizenIdentityCard'));
  // Revocations and suspensions at the same pace.
  for (const [i, id] of ids.entries()) {
    const res = await svc.post(
      '/credentials/status',
      { credentialId: id, action: i < 3 ? 'revoke' : 'suspend' },
      svc.keys['bo-cong-an'],
    );
    t.is(res.status, 200);
  }
  // Status list near full: dhqghn fills its list (capacity 4).
  for (let i = 0; i < 4; i++) await issue('dhqghn', 'UniversityDegree');
  // Burst of failed authentication from one address with one unknown key.
  for (let i = 0; i < 3; i++) t.is((await svc.post('/credentials/issue', {}, 'vneid_unknown-key')).status, 401);
  // A failed audit check: the head exported elsewhere is ahead of the log (a cut tail).
  const head = svc.issuer.auditHead();
  await writeFile(anchorFile, JSON.stringify({ seq: head.seq + 3, hash: head.hash }));
  // Keys near the end of their window: the policy gives keys 20 days, so every active key is within 30.
  const middle = await scrape();
  // Storage errors: the store stops answering under the running service.
  await svc.issuer.close();
  t.is((await fetch(`${svc.url}/ready`)).status, 503);
  const after = await scrape();
  t.true(after.length >= middle.length);

  const counters = new Set(
    [...(await (await fetch(`${svc.url}/metrics`)).text()).matchAll(/^# TYPE (\S+) counter$/gm)].map(
      (m) => m[1] as string,
    ),
  );
  t.true(counters.has('vneid_issuances_total'));
  const evalTime = `${(HISTORY_STEPS + PACE_STEPS - 1) * STEP_SECONDS}s`;
  const byName = new Map((await rules()).map((r) => [r.alert, r]));
  const expect = (alert: string, labelSets: Array<Record<string, string>>): AlertTest => {
    const rule = byName.get(alert);
    if (!rule) throw new Error(`no rule ${alert}`);
    return {
      alertname: alert,
      eval_time: evalTime,
      exp_alerts: labelSets.map((labels) => {
        const all = { ...labels, ...(rule.labels ?? {}) };
        return {
          exp_labels: all,
          exp_annotations: Object.fromEntries(
            Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, render(v, all)]),
          ),
        };
      }),
    };
  };
  const keyWindows = after
    .filter((s) => s.name === 'vneid_signing_key_days_remaining')
    .map((s) => ({ ministry: s.labels.ministry as string, type: s.labels.type as string }));
  t.true(keyWindows.length >= 4);
  const cases = [
    // dhqghn's 4 within the interval are above the floor too.
    expect('VneidIssuanceRateAboveUsual', [{ ministry: 'bo-cong-an' }, { ministry: 'dhqghn' }]),
    expect('VneidRevocationRateAboveUsual', [{ ministry: 'bo-cong-an' }]),
    expect('VneidAuthFailureBurst', [{ type: 'address' }, { type: 'key' }]),
    expect('VneidStatusListNearFull', [
      { ministry: 'dhqghn', type: 'revocation' },
      { ministry: 'dhqghn', type: 'suspension' },
    ]),
    expect('VneidSigningKeyWindowEnding', keyWindows),
    expect('VneidAuditCheckFailed', [{}]),
    // The readiness probe and the status-list recount of the scrape both failed on the closed store.
    expect('VneidStorageErrors', [{ code: 'STORAGE_ERROR' }, { code: 'STORAGE_UNAVAILABLE' }]),
  ];
  const file = {
    rule_files: [join(DIR, 'alerts.yml')],
    evaluation_interval: '1m',
    tests: [
      { interval: `${STEP_SECONDS}s`, input_series: inputSeries(before, after, counters), alert_rule_test: cases },
    ],
  };
  await writeFile(join(dir, 'live.test.yml'), stringify(file, { lineWidth: 0 }));
  const run = await promtool(bin, ['test', 'rules', 'live.test.yml'], dir);
  t.is(run.code, 0, run.output);
  // The twin: the same rules on the scrape taken before the drive fire none of these alerts.
  const quiet = {
    ...file,
    tests: [
      {
        interval: `${STEP_SECONDS}s`,
        input_series: inputSeries(before, before, counters).filter(
          (s) => !/vneid_signing_key_days_remaining|vneid_audit_check_ok/.test(s.series),
        ),
        alert_rule_test: cases.map((c) => ({ ...c, exp_alerts: [] })),
      },
    ],
  };
  await writeFile(join(dir, 'quiet.test.yml'), stringify(quiet, { lineWidth: 0 }));
  const quietRun = await promtool(bin, ['test', 'rules', 'quiet.test.yml'], dir);
  t.is(quietRun.code, 0, quietRun.output);
});
