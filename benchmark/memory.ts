// Resident memory of an idle verifier process, beside a process that only
// loads the plain library and a bare one, each a fresh child run by plain
// node from the built files, as a verifier deployment would run. The same
// verifier child from TypeScript sources under tsx is kept as a note.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Figure } from './figures.js';
import { fromRoot } from './runtime.js';
import type { World } from './world.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILT = fileURLToPath(new URL('./idle-process.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('../idle-process.ts', import.meta.url));
const TSX = ['--import=tsx', '--conditions=source'];

export interface MemoryResult {
  /** MB, plain node, built packages. */
  verifierIdle: number;
  verifierAfterVerify: number;
  /** The file @vneid/verifier resolved to in that child. */
  verifierModule: string;
  libraryIdle: number;
  /** A bare `node` process: the idle entry with nothing loaded. */
  nodeBareIdle: number;
  /** The verifier child from TypeScript sources under tsx (how runs before the built-package change measured it). */
  tsxVerifierIdle: number;
}

async function child(args: string[]): Promise<Record<string, number | string>> {
  // An empty NODE_OPTIONS: the child is plain node whatever the parent's environment.
  const { stdout } = await run(process.execPath, args, {
    timeout: 60_000,
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

export async function measureMemory(world: World): Promise<MemoryResult> {
  const statusPath = join(world.dir, 'child-status');
  await world.syncCacheInto(statusPath);
  const configPath = join(world.dir, 'child-verifier.json');
  await writeFile(
    configPath,
    JSON.stringify({
      signedBundle: world.signedBundle,
      anchorKey: world.anchorKey,
      statusPath,
      now: world.now.toISOString(),
      credential: world.issuedEddsa[0],
    }),
  );
  const verifier = await child([BUILT, 'verifier', configPath]);
  const verifierModule = String(verifier.module);
  if (!verifierModule.includes('/dist/')) throw new Error(`the plain-node verifier child loaded ${verifierModule}`);
  const library = await child([BUILT, 'library']);
  const bare = await child([BUILT, 'bare']);
  const tsxVerifier = await child([...TSX, SOURCE, 'verifier', configPath]);
  return {
    verifierIdle: verifier.idle as number,
    verifierAfterVerify: verifier.afterVerify as number,
    verifierModule: fromRoot(verifierModule),
    libraryIdle: library.idle as number,
    nodeBareIdle: bare.idle as number,
    tsxVerifierIdle: tsxVerifier.idle as number,
  };
}

export const RSS_TARGET_MB = 80;

export function memoryFigure(m: MemoryResult): Figure {
  return {
    key: 'memory.verifier-idle',
    name: 'RSS of an idle verifier process (verifier, trust bundle, opened status cache), plain node, built packages',
    unit: 'MB',
    ours: { value: m.verifierIdle },
    library: { label: 'plain node + @digitalbazaar/vc loaded', value: m.libraryIdle },
    raw: { label: 'plain node, nothing loaded', value: m.nodeBareIdle },
    notes: [
      `after verifying one credential: ${m.verifierAfterVerify.toFixed(1)} MB; @vneid/verifier loaded from ${m.verifierModule}`,
      `the same child from TypeScript sources under tsx (how earlier runs measured it): ${m.tsxVerifierIdle.toFixed(1)} MB`,
    ],
  };
}
