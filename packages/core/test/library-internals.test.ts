// The fast path borrows a private vc function and regular expressions copied
// from its dependencies (src/fast/library-internals.ts). This test fails when
// an installed version differs from the one they were read from: re-read the
// sources, then update BORROWED_FROM.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'ava';
import {
  ABSOLUTE_IRI,
  BORROWED_FROM,
  checkCredentialAsVc,
  NQUADS_IRI_ESCAPE,
  NQUADS_LITERAL_ESCAPE,
  SD_BLANK_LABEL,
  XML_DATE_TIME,
} from '../src/fast/library-internals.js';

const require = createRequire(join(import.meta.dirname, '..', 'package.json'));

// The package.json of an installed dependency, found from its entry point (exports may hide package.json).
function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(installedDir(name), 'package.json'), 'utf8')).version;
}

// The folder of an installed dependency (the one holding its package.json).
function installedDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === name) return dir;
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

// The copies, read against the installed sources: a dependency that changes
// one of these patterns fails here even if its version pin was updated blindly.
test('the regular expressions copied from dependencies are still theirs', async (t) => {
  const source = (name: string, file: string) => readFileSync(join(installedDir(name), file), 'utf8');
  const canonicalize = source('@digitalbazaar/di-sd-primitives', 'lib/canonicalize.js');
  t.true(canonicalize.includes(`.replace(/${SD_BLANK_LABEL.source}/g, replacer)`), 'di-sd-primitives blank labels');
  const nquads = source('rdf-canonize', 'lib/NQuads.js');
  t.true(nquads.includes(`_iriEscapeRegex = /${NQUADS_IRI_ESCAPE.source}/g`), 'rdf-canonize IRI escapes');
  t.true(nquads.includes(`_stringLiteralEscapeRegex = /${NQUADS_LITERAL_ESCAPE.source}/g`), 'literal escapes');
  t.true(source('jsonld', 'lib/url.js').includes(`isAbsoluteRegex = /${ABSOLUTE_IRI.source}/;`), 'jsonld isAbsolute');
  // data-integrity builds its pattern from strings, where `\.` is a plain `.`:
  // ours is the stricter reading, so it may only accept what theirs accepts.
  const util = pathToFileURL(join(installedDir('@digitalbazaar/data-integrity'), 'lib/util.js')).href;
  const { XMLDateTimeRegExp } = (await import(util)) as { XMLDateTimeRegExp: RegExp };
  for (const created of [
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.123+07:00',
    '2026-02-30T24:00:00Z',
    'x',
    '2026-01-01T00:00:00x5Z',
  ]) {
    if (XML_DATE_TIME.test(created)) t.true(XMLDateTimeRegExp.test(created), created);
  }
  t.is(
    XMLDateTimeRegExp.source,
    '-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](.[0-9]+)?|(24:00:00(.0+)?))(Z|(\\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?',
    'data-integrity changed its date pattern: re-read lib/util.js',
  );
});
