import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

// `pnpm start` and `pnpm bench` build with `pnpm -r run build`, which refuses a workspace whose
// packages depend on each other in a cycle (devDependencies count): the quick start would not start.
// Data flows one way — core → schemas → issuer / wallet-core / verifier → examples — and this holds it.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function workspaceGraph(): Promise<Map<string, string[]>> {
  const yaml = await readFile(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const folders: string[] = [];
  for (const [, entry] of yaml.matchAll(/^\s+-\s+['"]?([\w./*-]+)['"]?\s*$/gm)) {
    if (!entry?.endsWith('/*')) folders.push(entry as string);
    else
      for (const child of await readdir(join(ROOT, entry.slice(0, -2)))) folders.push(join(entry.slice(0, -2), child));
  }
  const graph = new Map<string, string[]>();
  for (const folder of folders) {
    const manifest = JSON.parse(await readFile(join(ROOT, folder, 'package.json'), 'utf8').catch(() => '{}')) as {
      name?: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    if (!manifest.name) continue;
    const all = { ...manifest.dependencies, ...manifest.devDependencies };
    graph.set(
      manifest.name,
      Object.entries(all)
        .filter(([, version]) => version.startsWith('workspace:'))
        .map(([name]) => name),
    );
  }
  return graph;
}

function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

test('the workspace packages depend on each other without a cycle (pnpm -r build would refuse one)', async (t) => {
  const graph = await workspaceGraph();
  t.true(graph.size >= 7, `packages found: ${[...graph.keys()].join(', ')}`);
  t.true(graph.get('@vneid/schemas')?.includes('@vneid/core'));
  t.is(findCycle(graph), undefined);
});

test('a cycle is found when there is one (the check is real)', (t) => {
  const graph = new Map([
    ['@vneid/core', ['@vneid/schemas']],
    ['@vneid/schemas', ['@vneid/core']],
    ['@vneid/issuer', ['@vneid/schemas']],
  ]);
  t.deepEqual(findCycle(graph), ['@vneid/core', '@vneid/schemas', '@vneid/core']);
  t.is(findCycle(new Map([['@vneid/issuer', ['@vneid/core']]])), undefined);
});
