import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

// A consumer project type-checks our published declarations (dist/*.d.ts, what `exports.types` names) with
// skipLibCheck off, together with every TypeScript block of the READMEs: a declaration that names an
// untyped module or a DOM-only type, or a README example that no longer matches the API, fails here.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
// In dependency order: each package's declarations import the ones before it through their dist.
const PACKAGES = ['packages/core', 'schemas', 'issuer', 'wallet-core', 'verifier', 'examples'];

function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TSC, ...args],
      { cwd, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

// What the package READMEs leave to the reader (their inputs), declared with the types the API expects.
const PREAMBLES: Record<string, string> = {
  issuer: `declare const dataDir: string;
declare const holder: string;
declare const logger: NonNullable<import('@vneid/issuer').CreateAppOptions['logger']>;
`,
  verifier: `declare const bundleJson: string;
declare const anchorKey: string;
declare const path: string;
declare function receivePresentation(request: unknown): Promise<unknown>;
`,
  'wallet-core': `type Wallet = Awaited<ReturnType<typeof import('@vneid/wallet-core').openWallet>>;
declare const path: string;
declare const resolver: Parameters<typeof import('@vneid/wallet-core').openWallet>[0]['resolver'];
declare function receiveCredential(holderDid: string): Promise<Parameters<Wallet['add']>[0]>;
declare const fetchStatusList: Parameters<Wallet['refreshStatus']>[0];
`,
};

const CONSUMER = `import * as core from '@vneid/core';
import * as examples from '@vneid/examples';
import * as issuer from '@vneid/issuer';
import * as schemas from '@vneid/schemas';
import * as verifier from '@vneid/verifier';
import * as wallet from '@vneid/wallet-core';

export const packages = [core, schemas, issuer, wallet, verifier, examples];
export const options: issuer.CreateIssuerOptions = { dataDir: './data', passphrase: 'p', baseUrl: 'https://issuer.example' };
export type Report = verifier.VerificationReport;
`;

// The negative twin, checked in the same run: a wrong use must be reported, so the check is real.
const NEGATIVE = `import { createIssuer } from '@vneid/issuer';
export const wrong: number = createIssuer;
`;

test('the published declarations type-check in a consumer project without skipLibCheck, and so do the README TypeScript examples', async (t) => {
  t.timeout(600_000);
  for (const pkg of PACKAGES) {
    const built = await run(['-p', join(pkg, 'tsconfig.build.json'), '--emitDeclarationOnly'], ROOT);
    t.is(built.code, 0, `${pkg}: ${built.output}`);
  }
  // Inside the examples package, so that @vneid/* resolve through node_modules as for any dependent.
  const dir = await mkdtemp(join(EXAMPLES, '.consumer-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const files: Record<string, string> = { 'consumer.ts': CONSUMER, 'negative.ts': NEGATIVE };
  files['readme-root.ts'] = tsBlocks(await readFile(join(ROOT, 'README.md'), 'utf8')).join('\n');
  for (const pkg of ['issuer', 'verifier', 'wallet-core']) {
    const blocks = tsBlocks(await readFile(join(ROOT, pkg, 'README.md'), 'utf8'));
    t.true(blocks.length > 0, `${pkg}/README.md has a ts block`);
    files[`readme-${pkg}.ts`] = `${PREAMBLES[pkg]}${blocks.join('\n')}`;
  }
  t.true((files['readme-root.ts'] ?? '').includes("from '@vneid/verifier'"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023'],
        types: ['node'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: Object.keys(files),
    }),
  );
  const checked = await run(['-p', 'tsconfig.json', '--pretty', 'false'], dir);
  const errors = checked.output.split('\n').filter((line) => /error TS\d+/.test(line));
  t.deepEqual(
    errors.filter((line) => !line.startsWith('negative.ts')),
    [],
    'no error in our declarations, the libraries they name, or the README examples',
  );
  t.true(
    errors.some((line) => line.startsWith('negative.ts(2,14): error TS2322')),
    `the wrong use is reported: ${checked.output}`,
  );
});
