// Issue 12 §2 "One home for each fact", the verifier's and core's part.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'ava';
import { CREDENTIAL_CHECKS } from '../src/lib/check-credential.js';
import { CHECK_NAMES, CREDENTIAL_CHECK_NAMES } from '../src/types.js';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|mjs|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

test('the credential checks are named once: CHECK_NAMES is built from them, in the same order', (t) => {
  t.is(CREDENTIAL_CHECKS, CREDENTIAL_CHECK_NAMES);
  const start = CHECK_NAMES.indexOf(CREDENTIAL_CHECK_NAMES[0]);
  t.deepEqual(CHECK_NAMES.slice(start, start + CREDENTIAL_CHECK_NAMES.length), [...CREDENTIAL_CHECK_NAMES]);
});

test('the ecdsa-sd-2023 proofValue headers (u2V0A / u2V0B) have one home in core', (t) => {
  const home = join('packages', 'core', 'src', 'lib', 'sd-proof-headers.ts');
  for (const dir of ['packages/core/src', 'verifier/src', 'wallet-core/src', 'issuer/src', 'verifier-web/src']) {
    for (const file of sources(join(ROOT, dir))) {
      const name = relative(ROOT, file);
      if (name === home) continue;
      const text = readFileSync(file, 'utf8');
      // A string literal of the prefix, or the header bytes (comments may name them).
      t.false(/['"]u2V0[AB]/.test(text), `${name} spells the prefix`);
      t.false(/0xd9,\s*0x5d/.test(text), `${name} spells the header bytes`);
    }
  }
  t.true(readFileSync(join(ROOT, home), 'utf8').includes('[0xd9, 0x5d, 0x00]'));
});
