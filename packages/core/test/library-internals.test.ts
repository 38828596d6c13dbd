// The fast path borrows a private vc function and regular expressions copied
// from its dependencies (src/fast/library-internals.ts). This test fails when
// an installed version differs from the one they were read from: re-read the
// sources, then update BORROWED_FROM.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import test from 'ava';
import { BORROWED_FROM, checkCredentialAsVc, XML_DATE_TIME } from '../src/fast/library-internals.js';

const require = createRequire(join(import.meta.dirname, '..', 'package.json'));

// The package.json of an installed dependency, found from its entry point (exports may hide package.json).
function installedVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (manifest.name === name) return manifest.version;
    } catch {}
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json for ${name}`);
    dir = up;
  }
}

for (const [name, pinned] of Object.entries(BORROWED_FROM)) {
  test(`the code borrowed from ${name} was read from the installed version (${pinned})`, (t) => {
    t.is(installedVersion(name), pinned, `${name} changed: re-read what library-internals.ts copies from it`);
  });
}

test('the adapter still throws what vc throws, and passes what vc passes', (t) => {
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    issuer: 'did:example:issuer',
    credentialSubject: { id: 'did:example:holder' },
  };
  t.notThrows(() => checkCredentialAsVc({ credential, mode: 'verify' }));
  t.throws(() => checkCredentialAsVc({ credential: { ...credential, issuer: 'not a url' }, mode: 'verify' }));
  t.true(XML_DATE_TIME.test('2026-01-01T00:00:00Z'));
  t.false(XML_DATE_TIME.test('yesterday'));
});
