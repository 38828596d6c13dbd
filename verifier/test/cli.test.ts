import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signCredential } from '@vneid/core';
import test from 'ava';
import { syncStatus } from '../src/index.js';
import { bundleIssuer, createWorld, derive, issue, NOW, present, publishLists, type World } from './helpers/world.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const CWD = fileURLToPath(new URL('..', import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import=tsx', '--conditions=source', CLI, ...args],
      { cwd: CWD, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

let world: World;
let files: Record<'bundle' | 'vc' | 'tampered' | 'vp' | 'vp2', string>;
let common: string[];

test.before(async () => {
  world = await createWorld();
  await publishLists(world);
  await publishLists(world, { issuer: world.university });
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
  await world.cache.close(); // the CLI opens the LevelDB folder itself
  const vc = await derive(world, await issue(world), ['fullName', 'licenceClasses']);
  const subject = vc.credentialSubject as Record<string, unknown>;
  const vp = await present(world, [vc], { challenge: 'cli-challenge-1', domain: 'csgt.example' });
  files = {
    bundle: join(world.dir, 'bundle.json'),
    vc: join(world.dir, 'vc.json'),
    tampered: join(world.dir, 'tampered.json'),
    vp: join(world.dir, 'vp.json'),
    vp2: join(world.dir, 'vp2.json'),
  };
  await writeFile(files.bundle, JSON.stringify(world.bundle));
  await writeFile(files.vc, JSON.stringify(vc));
  await writeFile(files.tampered, JSON.stringify({ ...vc, credentialSubject: { ...subject, fullName: 'Giả Mạo' } }));
  await writeFile(files.vp, JSON.stringify(vp));
  const vp2 = await present(world, [vc], { challenge: 'cli-challenge-2', domain: 'csgt.example' });
  await writeFile(files.vp2, JSON.stringify(vp2));
  common = [
    '--bundle',
    files.bundle,
    '--anchor-key',
    world.anchor.publicKeyMultibase,
    '--status-cache',
    join(world.dir, 'status'),
    '--now',
    NOW.toISOString(),
  ];
});
test.after.always(() => world?.close().catch(() => {}));

test.serial('vneid-verify prints a bilingual report and exits 0 for a verified credential', async (t) => {
  const { code, stdout } = await run([files.vc, ...common]);
  t.is(code, 0, stdout);
  t.regex(stdout, /VERIFIED \/ ĐÃ XÁC THỰC/);
  t.regex(stdout, /Chữ ký số toàn vẹn\./);
  t.regex(stdout, /Họ, chữ đệm và tên \/ Full name: Nguyễn Thị Minh Khai/);
  t.regex(stdout, /status data downloaded \d+ s ago \(2026-06-01T08:00:00\.000Z; list signed/);
});

test.serial(
  'vneid-verify shows how old its status data is: --json carries the oldest list fetchedAt, validFrom and age',
  async (t) => {
    const later = [files.vc, ...common.slice(0, -2), '--now', '2026-06-01T10:30:00Z', '--json'];
    const { code, stdout } = await run(later);
    t.is(code, 0, stdout);
    const { statusData } = JSON.parse(stdout);
    t.is(statusData.oldestFetchedAt, NOW.toISOString());
    t.is(statusData.ageSeconds, 9000);
    t.true(statusData.lists.length >= 2, 'revocation and suspension lists');
    t.deepEqual(statusData.missing, []);
    t.truthy(Date.parse(statusData.oldestValidFrom));
    const text = await run(later.slice(0, -1));
    t.regex(text.stdout, /status data downloaded 2 h 30 min ago/);
  },
);

test.serial('vneid-verify --json exits 1 with PROOF_VERIFICATION_ERROR for a tampered credential', async (t) => {
  const { code, stdout } = await run([files.tampered, ...common, '--json']);
  t.is(code, 1);
  const report = JSON.parse(stdout);
  t.false(report.verified);
  t.true(report.errors.some((e: { code: string }) => e.code === 'PROOF_VERIFICATION_ERROR'));
});

test.serial('vneid-verify exits 2 (unknown) when the status lists are out of date', async (t) => {
  const args = [files.vc, ...common.slice(0, -2), '--now', '2026-07-15T00:00:00Z', '--json'];
  const { code, stdout } = await run(args);
  t.is(code, 2);
  t.is(JSON.parse(stdout).status, 'unknown');
});

test.serial('vneid-verify checks a presentation with --challenge and --domain', async (t) => {
  const ok = await run([files.vp, ...common, '--challenge', 'cli-challenge-1', '--domain', 'csgt.example', '--json']);
  t.is(ok.code, 0, ok.stdout + ok.stderr);
  const wrong = await run([
    files.vp,
    ...common,
    '--challenge',
    'cli-challenge-1',
    '--domain',
    'other.example',
    '--json',
  ]);
  t.is(wrong.code, 1);
  t.true(JSON.parse(wrong.stdout).errors.some((e: { code: string }) => e.code === 'DOMAIN_MISMATCH'));
});

test.serial(
  'vneid-verify run twice on the same presentation exits 1 with CHALLENGE_REPLAYED the second time; --allow-replay opts out',
  async (t) => {
    const args = [files.vp2, ...common, '--challenge', 'cli-challenge-2', '--domain', 'csgt.example', '--json'];
    const first = await run(args);
    t.is(first.code, 0, first.stdout + first.stderr);
    // Another process, later: the used challenge was kept on disk beside the status cache.
    const second = await run(args);
    t.is(second.code, 1, second.stdout + second.stderr);
    t.deepEqual(
      JSON.parse(second.stdout).errors.map((e: { code: string }) => e.code),
      ['CHALLENGE_REPLAYED'],
    );
    const optedOut = await run([...args, '--allow-replay']);
    t.is(optedOut.code, 0, optedOut.stdout + optedOut.stderr);
  },
);

test.serial('vneid-verify sync downloads the lists from a (local) status host; a forged bundle exits 1', async (t) => {
  const served = new Map<string, string>();
  const server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (body) res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const w = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['DrivingLicence'],
        statusLists: [`${base}/revocation`, `${base}/suspension`],
      }),
    ],
  });
  t.teardown(() => w.close().catch(() => {}));
  await w.cache.close();
  w.lists.revocation.url = `${base}/revocation`;
  w.lists.suspension.url = `${base}/suspension`;
  await publishLists(w);
  for (const [url, body] of w.served) served.set(new URL(url).pathname, JSON.stringify(body));
  const bundleFile = join(w.dir, 'bundle.json');
  await writeFile(bundleFile, JSON.stringify(w.bundle));
  const args = [
    '--bundle',
    bundleFile,
    '--anchor-key',
    w.anchor.publicKeyMultibase,
    '--status-cache',
    join(w.dir, 'status'),
    '--now',
    NOW.toISOString(),
  ];
  const sync = await run(['sync', ...args]);
  t.is(sync.code, 0, sync.stdout + sync.stderr);
  t.regex(sync.stdout, /revocation updated/);
  const vcFile = join(w.dir, 'vc.json');
  await writeFile(vcFile, JSON.stringify(await derive(w, await issue(w), ['fullName'])));
  t.is((await run([vcFile, ...args])).code, 0);
  const forged = await run([vcFile, ...args.slice(0, 3), world.anchor.publicKeyMultibase, ...args.slice(4)]);
  t.is(forged.code, 1);
  t.regex(forged.stderr, /BUNDLE_SIGNATURE_INVALID/);
});

test.serial(
  'vneid-verify: a missing file and a wrong command line exit 3 (not 1, "refused"), in Vietnamese and English',
  async (t) => {
    const missing = await run(['/nonexistent/vc.json', ...common]);
    t.is(missing.code, 3, missing.stderr);
    t.regex(missing.stderr, /không đọc được tệp \/ cannot read file/);
    const usage = await run([files.vc, '--no-such-option', ...common]);
    t.is(usage.code, 3, usage.stderr);
    t.regex(usage.stderr, /Lỗi cú pháp lệnh \/ usage error/);
    const noChallenge = await run([files.vp, ...common]);
    t.is(noChallenge.code, 3, noChallenge.stderr);
    t.regex(noChallenge.stderr, /cần --challenge .* needs --challenge/);
    // The twin: a verified credential still exits 0 and a help request exits 0.
    t.is((await run([files.vc, ...common])).code, 0);
    t.is((await run(['--help'])).code, 0);
  },
);

test.serial(
  'vneid-verify --profile general accepts a proof set the default profile refuses; an unknown profile exits 3',
  async (t) => {
    const one = await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022' });
    const { proof, ...unsigned } = one;
    const two = await signCredential({
      credential: unsigned,
      key: world.ministry.key,
      cryptosuite: 'ecdsa-rdfc-2019',
      documentLoader: world.documentLoader,
    });
    const file = join(world.dir, 'proof-set.json');
    await writeFile(file, JSON.stringify({ ...unsigned, proof: [proof, two.proof] }));
    const citizen = await run([file, ...common, '--json']);
    t.is(citizen.code, 1, citizen.stdout + citizen.stderr);
    const general = await run([file, ...common, '--json', '--profile', 'general']);
    t.is(general.code, 0, general.stdout + general.stderr);
    t.is((await run([file, ...common, '--profile', 'lenient'])).code, 3);
  },
);
