import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const EXAMPLES = fileURLToPath(new URL('..', import.meta.url));
const README = new URL('../../README.md', import.meta.url);

/** The `ts` blocks of the root README's "## API examples" section, in order. */
export function apiExampleBlocks(markdown: string): string[] {
  const start = markdown.indexOf('\n## API examples\n');
  if (start === -1) return [];
  const rest = markdown.slice(start + 1);
  const end = rest.indexOf('\n## ', 1);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

test('the README API examples cover every package', async (t) => {
  const blocks = apiExampleBlocks(await readFile(README, 'utf8'));
  t.true(blocks.length >= 7);
  const program = blocks.join('\n');
  for (const pkg of ['core', 'schemas', 'issuer', 'wallet-core', 'verifier', 'examples']) {
    t.true(program.includes(`from '@vneid/${pkg}'`), pkg);
  }
});

test('the README API examples run as one program and every assertion in them holds', async (t) => {
  const blocks = apiExampleBlocks(await readFile(README, 'utf8'));
  // Inside the examples package, so that @vneid/* resolve exactly as they do for its own code.
  const dir = await mkdtemp(join(EXAMPLES, '.readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'readme-examples.ts');
  await writeFile(file, blocks.join('\n'));
  const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import=tsx', '--conditions=source', file],
      { cwd: EXAMPLES, timeout: 90_000 },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
  t.is(code, 0, stderr);
});

test('a broken README example fails the run (the check is real)', async (t) => {
  const dir = await mkdtemp(join(EXAMPLES, '.readme-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'broken.ts');
  await writeFile(
    file,
    "import assert from 'node:assert/strict';\nimport { labelFor } from '@vneid/schemas';\nassert.equal(labelFor('CitizenIdentityCard', '', 'vi'), 'Giấy khai sinh');\n",
  );
  const code = await new Promise<number>((resolve) => {
    execFile(process.execPath, ['--import=tsx', '--conditions=source', file], { cwd: EXAMPLES }, (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
  t.not(code, 0);
});
