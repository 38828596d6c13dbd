import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIssuer } from '@vneid/issuer';
import { loadTrustBundle } from '@vneid/verifier';
import test from 'ava';
import { runTrustCli } from '../src/lib/trust-commands.js';

const EXAMPLES = fileURLToPath(new URL('..', import.meta.url));
const PASSPHRASE = 'trust-cli test passphrase';

async function inProcess(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runTrustCli(args, {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
    env: { VNEID_ISSUER_PASSPHRASE: PASSPHRASE },
  });
  return { code, stdout, stderr };
}

function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import=tsx', '--conditions=source', 'src/trust-cli.ts', ...args],
      { cwd: EXAMPLES, env: { ...process.env, VNEID_ISSUER_PASSPHRASE: PASSPHRASE }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('anchor create, bundle create from an issuer store, bundle sign: the result loads under the anchor key', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-trust-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const data = join(dir, 'issuer');
  const issuer = await createIssuer({ dataDir: data, passphrase: PASSPHRASE, baseUrl: 'https://issuer.vneid.gov.vn' });
  await issuer.addMinistry({
    slug: 'bhxh',
    name: { vi: 'Bảo hiểm xã hội Việt Nam', en: 'Vietnam Social Security' },
    role: 'VietnamSocialSecurity',
  });
  await issuer.close();

  const anchorFile = join(dir, 'anchor.json');
  const anchor = await inProcess(['anchor', 'create', '--out', anchorFile]);
  t.is(anchor.code, 0, anchor.stderr);
  const { publicKeyMultibase } = JSON.parse(anchor.stdout) as { publicKeyMultibase: string };
  t.false(anchor.stdout.includes('secretKeyMultibase'), 'the secret is not printed');

  const unsigned = join(dir, 'bundle.json');
  const created = await inProcess([
    'bundle',
    'create',
    '--data',
    data,
    '--base-url',
    'https://issuer.vneid.gov.vn',
    '--out',
    unsigned,
    '--version',
    '7',
    '--valid-days',
    '10',
  ]);
  t.is(created.code, 0, created.stderr);
  t.deepEqual(JSON.parse(created.stdout).issuers, ['did:web:issuer.vneid.gov.vn:bhxh']);

  // The entry point itself, as the trust authority runs it.
  const signedFile = join(dir, 'signed.json');
  const signed = await spawnCli(['bundle', 'sign', '--in', unsigned, '--anchor-key', anchorFile, '--out', signedFile]);
  t.is(signed.code, 0, signed.stderr);
  const loaded = await loadTrustBundle(await readFile(signedFile, 'utf8'), {
    anchorKey: publicKeyMultibase,
    now: new Date(),
  });
  t.is(loaded.status, 'valid');
  t.is(loaded.bundle.version, 7);
  t.deepEqual(loaded.bundle.issuers[0]?.credentialTypes, ['HealthInsuranceCard']);
});

test('signing with a P-256 key or an edited bundle fails; a missing flag is a usage error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-trust-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const anchorFile = join(dir, 'anchor.json');
  await inProcess(['anchor', 'create', '--out', anchorFile]);
  const bundleFile = join(dir, 'bundle.json');
  await writeFile(
    bundleFile,
    JSON.stringify({ type: 'VneidTrustBundle', version: 0, issuedAt: 'x', validUntil: 'y', contexts: {}, issuers: [] }),
  );
  const malformed = await inProcess(['bundle', 'sign', '--in', bundleFile, '--anchor-key', anchorFile]);
  t.is(malformed.code, 2);
  t.regex(malformed.stderr, /^MALFORMED_VALUE_ERROR: /);

  const missing = await inProcess(['bundle', 'sign', '--in', bundleFile]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /--anchor-key is required/);
  const unknown = await inProcess(['bundle', 'publish']);
  t.is(unknown.code, 1);
  const again = await inProcess(['anchor', 'create', '--out', anchorFile]);
  t.is(again.code, 1, 'an existing anchor key file is never overwritten');
});
