// The verifier entry must not load the OpenID4VP stack (the library, zod,
// jose: ~20 MB resident) for a process that only verifies
// credentials; the first OpenID4VP call loads it. Checked in a child process
// whose module-resolution hook records every package it resolves.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';

// (qrcode is not among them: @vneid/core's QR symbol builder loads it.)
const LAZY = ['@openid4vc/openid4vp', '@openid4vc/utils', 'jose'];
const recorder = fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url));

async function packagesLoadedBy(script: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import=tsx', '--conditions=source', `--import=${recorder}`, '--input-type=module', '-e', script],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 60_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as string[];
}

const print =
  'await new Promise((r) => setTimeout(r, 50)); console.log(JSON.stringify(globalThis.__loadedPackages()));';

test('importing @vneid/verifier loads no OpenID4VP package', async (t) => {
  const loaded = await packagesLoadedBy(`await import('@vneid/verifier'); ${print}`);
  // The recorder sees the verifier's own dependencies, so a silent recorder cannot pass this test.
  t.true(loaded.includes('@vneid/core'), loaded.join(', '));
  t.true(loaded.includes('level'), loaded.join(', '));
  for (const name of LAZY) t.false(loaded.includes(name), `${name} loaded at import`);
});

test('the first OpenID4VP call loads the library it needs', async (t) => {
  const loaded = await packagesLoadedBy(
    `const v = await import('@vneid/verifier'); const key = await v.createRequestSigningKey(); if (!key.thumbprint) throw new Error('no thumbprint'); ` +
      `await v.presentationFromResponse({ state: 's', vp_token: '{}' }, { clientId: 'c.example', nonce: 'n', state: 's', responseUri: 'https://c.example/r', queries: [{ id: 'q0', type: 'CitizenIdentityCard', fields: ['fullName'] }] }).catch((e) => { if (e.code !== 'AUTHORIZATION_RESPONSE_INVALID') throw e; }); ${print}`,
  );
  t.true(loaded.includes('jose'), loaded.join(', '));
  t.true(loaded.includes('@openid4vc/openid4vp'), loaded.join(', '));
});
