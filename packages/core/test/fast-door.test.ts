// Issue 12 §2 "fast/ has no single door": every operation runs its input
// guards once and asks the fast path through one door (fast/door.ts), which
// alone reads the switch; the library oracles are off the public API.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'ava';
import * as core from '../src/index.js';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  type JsonObject,
  MANDATORY_POINTERS,
  signCredential,
  signPresentation,
  verifyCredentialProof,
  verifyPresentationProof,
} from '../src/index.js';
import * as testing from '../src/testing.js';

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

// A fresh shape per call: the fast path has never seen it, so it defers to the library.
let n = 0;
function unseen(issuer: string): JsonObject {
  n += 1;
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, { [`term${n}`]: `https://door.example/#t${n}` }],
    type: ['VerifiableCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:holder', [`term${n}`]: 'x' },
  };
}

async function guardRuns(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const stop = testing.observeInputGuards((operation) => seen.push(operation));
  try {
    await run();
  } finally {
    stop();
  }
  return seen;
}

// Serial: the observer sees every guard run in the process, other tests' included.
test.serial('input guards run once per operation, also when the fast path defers to the library', async (t) => {
  const documentLoader = createDocumentLoader();
  const ed = await generateKeyPair({ keyType: 'Ed25519' });
  const p256 = await generateKeyPair({ keyType: 'P-256' });
  for (const fastPath of [true, false]) {
    const credential = unseen(ed.controller);
    let signed: JsonObject | undefined;
    t.deepEqual(
      await guardRuns(async () => {
        signed = await signCredential({
          credential,
          key: ed,
          cryptosuite: 'eddsa-rdfc-2022',
          documentLoader,
          fastPath,
        });
      }),
      ['signCredential'],
    );
    const verified = await guardRuns(async () => {
      t.true((await verifyCredentialProof({ credential: signed as JsonObject, documentLoader, fastPath })).verified);
    });
    t.deepEqual(verified, ['verifyCredentialProof'], `fastPath ${fastPath}`);
    const tampered = { ...(signed as JsonObject), validFrom: '2026-01-02T00:00:00Z' };
    const refused = await guardRuns(async () => {
      t.false((await verifyCredentialProof({ credential: tampered, documentLoader, fastPath })).verified);
    });
    t.deepEqual(refused, ['verifyCredentialProof'], 'a refusal from the library after the fast path: still one run');

    const base = await signCredential({
      credential: unseen(p256.controller),
      key: p256,
      cryptosuite: 'ecdsa-sd-2023',
      documentLoader,
      mandatoryPointers: ['/issuer'],
      fastPath,
    });
    let derived: JsonObject | undefined;
    t.deepEqual(
      await guardRuns(async () => {
        derived = await deriveCredential({
          credential: base,
          selectivePointers: ['/credentialSubject/id'],
          documentLoader,
          fastPath,
        });
      }),
      ['deriveCredential'],
    );
    t.deepEqual(
      await guardRuns(() => verifyCredentialProof({ credential: derived as JsonObject, documentLoader, fastPath })),
      ['verifyCredentialProof'],
    );
    const set = { ...(signed as JsonObject), proof: [(signed as JsonObject).proof, (signed as JsonObject).proof] };
    t.deepEqual(
      await guardRuns(() => verifyCredentialProof({ credential: set, documentLoader, proofSets: 'every', fastPath })),
      ['verifyCredentialProof'],
      'a proof set is guarded once, not once per proof',
    );
    let vp: JsonObject | undefined;
    const challenge = `door-${n}`;
    t.deepEqual(
      await guardRuns(async () => {
        vp = await signPresentation({
          verifiableCredential: [signed as JsonObject],
          holderKey: p256,
          challenge,
          domain: 'door.example',
          documentLoader,
          fastPath,
        });
      }),
      ['signPresentation'],
    );
    t.deepEqual(
      await guardRuns(async () => {
        const result = await verifyPresentationProof({
          presentation: vp as JsonObject,
          challenge,
          domain: 'door.example',
          documentLoader,
          fastPath,
        });
        t.true(result.verified);
      }),
      ['verifyPresentationProof'],
    );
  }
  t.true(MANDATORY_POINTERS.length > 0);
});

test('outside fast/, only the door reaches the fast path, and only the door reads the switch', (t) => {
  // node-keys turns keys into node:crypto objects (not a fast path); canonize-fast
  // also holds the library canonicalization that the fast internals share.
  const allowed = new Map([
    ['fast/door.js', /.*/],
    ['fast/node-keys.js', /^\s*nodePrivateKey, nodePublicKey\s*$/],
    ['fast/canonize-fast.js', /^\s*canonizeThroughLibrary\s*$/],
  ]);
  for (const file of sources(SRC)) {
    const name = relative(SRC, file);
    const text = readFileSync(file, 'utf8');
    if (!name.startsWith('fast/')) {
      for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'\.{1,2}\/(?:\.\.\/)*(fast\/[^']+)'/g)) {
        const rule = allowed.get(m[2] as string);
        t.truthy(rule?.test(m[1] as string), `${name} imports ${String(m[1]).trim()} from ${m[2]}`);
      }
    }
    if (name !== 'fast/door.ts' && name !== 'fast/switch.ts') {
      t.false(text.includes('fastPathEnabled'), `${name} reads the switch itself`);
    }
  }
});

test('the library oracles are on the private testing entry, not on the public API', (t) => {
  for (const name of [
    'canonizeWithLibrary',
    'signCredentialWithLibrary',
    'verifyCredentialProofWithLibrary',
    'deriveCredentialWithLibrary',
  ]) {
    t.false(name in core, `${name} is public`);
    t.is(typeof (testing as Record<string, unknown>)[name], 'function');
  }
  t.false(readFileSync(join(SRC, 'index.ts'), 'utf8').includes('testing'));
  const manifest = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8'));
  t.is(manifest.exports['./testing'].source, './src/testing.ts');
});

test('the library-only derive is an oracle: same disclosed claims, verifies either way', async (t) => {
  const documentLoader = createDocumentLoader();
  const key = await generateKeyPair({ keyType: 'P-256' });
  const base = await signCredential({
    credential: unseen(key.controller),
    key,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader,
    mandatoryPointers: ['/issuer', '/validFrom'],
  });
  const options = { credential: base, selectivePointers: ['/credentialSubject/id'], documentLoader };
  const library = await testing.deriveCredentialWithLibrary(options);
  const fast = await deriveCredential(options);
  const { proof: _a, ...libraryClaims } = library;
  const { proof: _b, ...fastClaims } = fast;
  t.deepEqual(fastClaims, libraryClaims);
  for (const credential of [library, fast]) {
    t.true((await testing.verifyCredentialProofWithLibrary({ credential, documentLoader })).verified);
  }
  await t.throwsAsync(testing.deriveCredentialWithLibrary({ ...options, selectivePointers: ['/__proto__/x'] }), {
    code: 'UNSAFE_POINTER',
  } as never);
});
