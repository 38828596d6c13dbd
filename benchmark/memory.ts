// Resident memory of an idle verifier process, beside a process that only
// loads the plain library and a bare one, each a fresh child.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Figure } from './figures.js';
import type { World } from './world.js';

const run = promisify(execFile);
const ENTRY = fileURLToPath(new URL('./idle-process.ts', import.meta.url));
const TSX = ['--import=tsx', '--conditions=source'];

export interface MemoryResult {
  /** MB, under tsx from the TypeScript sources. */
  verifierIdle: number;
  verifierAfterVerify: number;
  libraryIdle: number;
  tsxBareIdle: number;
  /** A bare `node` process, no loader. */
  nodeBareIdle: number;
}

async function child(args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, args, { timeout: 60_000 });
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
  const verifier = await child([...TSX, ENTRY, 'verifier', configPath]);
  const library = await child([...TSX, ENTRY, 'library']);
  const tsxBare = await child([...TSX, ENTRY, 'bare']);
  const nodeBare = await child([
    '-e',
    'setTimeout(() => console.log(JSON.stringify({ idle: process.memoryUsage().rss / 2 ** 20 })), 1000)',
  ]);
  return {
    verifierIdle: verifier.idle as number,
    verifierAfterVerify: verifier.afterVerify as number,
    libraryIdle: library.idle as number,
    tsxBareIdle: tsxBare.idle as number,
    nodeBareIdle: nodeBare.idle as number,
  };
}

export const RSS_TARGET_MB = 80;

export function memoryFigure(m: MemoryResult): Figure {
  const tsxOverhead = m.tsxBareIdle - m.nodeBareIdle;
  return {
    key: 'memory.verifier-idle',
    name: 'RSS of an idle verifier process (verifier, trust bundle, opened status cache), under tsx',
    unit: 'MB',
    ours: { value: m.verifierIdle },
    library: { label: 'tsx + @digitalbazaar/vc loaded', value: m.libraryIdle },
    raw: { label: 'tsx, nothing loaded', value: m.tsxBareIdle },
    notes: [
      `after verifying one credential: ${m.verifierAfterVerify.toFixed(1)} MB`,
      `a bare node process: ${m.nodeBareIdle.toFixed(1)} MB, so tsx itself adds about ${tsxOverhead.toFixed(1)} MB`,
      `without tsx (built dist) expect about ${(m.verifierIdle - tsxOverhead).toFixed(1)} MB idle (estimate, not measured)`,
    ],
  };
}
