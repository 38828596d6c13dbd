#!/usr/bin/env node
// Runs type-check, lint and every package's ava suite (TAP), streams the
// output, and ends with one plain totals line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packages = ['packages/core', 'schemas', 'issuer', 'wallet-core', 'verifier', 'verifier-web', 'examples'];
let passed = 0;
let failed = 0;
let broken = false;

function step(name, cmd, args, cwd = root) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  return r;
}

const tsc = step('type-check', 'npx', ['tsc', '-p', 'tsconfig.json']);
// The web verifier's browser code has the DOM library, so it has its own tsconfig.
const tscWeb = step('type-check (verifier-web)', 'npx', ['tsc', '-p', 'verifier-web/tsconfig.json']);
if (tsc.status !== 0 || tscWeb.status !== 0) {
  failed += 1;
  broken = true;
} else passed += 1;
const lint = step('lint (biome)', 'npx', ['biome', 'check', '.']);
if (lint.status !== 0) {
  failed += 1;
  broken = true;
} else passed += 1;

for (const pkg of packages) {
  const dir = join(root, pkg);
  const hasTests = existsSync(join(dir, 'test')) && readFileSync(join(dir, 'package.json'), 'utf8').includes('"ava"');
  if (!hasTests) continue;
  const r = step(`tests: ${pkg}`, 'npx', ['ava', '--tap'], dir);
  const out = r.stdout ?? '';
  const pass = Number(out.match(/^# pass (\d+)/m)?.[1] ?? 0);
  const fail = Number(out.match(/^# fail (\d+)/m)?.[1] ?? 0);
  const noTests = /No tests found/.test(out + (r.stderr ?? ''));
  passed += pass;
  failed += fail;
  if (r.status !== 0 && fail === 0 && !noTests) {
    failed += 1;
    broken = true;
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken ? 1 : 0);
