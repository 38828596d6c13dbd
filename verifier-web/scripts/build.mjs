#!/usr/bin/env node
// Builds the web verifier into dist/: one browser bundle (esbuild) of the
// page and the verification path from @vneid/verifier/browser, the service
// worker with the list of files it caches, and the static files. The
// bundle must hold no node: module: node:crypto and node:zlib, which
// @vneid/core imports, are replaced by the browser modules in src/shims/,
// and the build fails if any node built-in is left in it.
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const SHIMS = {
  'node:crypto': join(root, 'src/shims/node-crypto.ts'),
  'node:zlib': join(root, 'src/shims/node-zlib.ts'),
};
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const shimPlugin = {
  name: 'vneid-browser-shims',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => {
      const shim = SHIMS[args.path];
      if (shim) return { path: shim };
      return { errors: [{ text: `${args.path} (imported by ${args.importer}) has no browser replacement` }] };
    });
  },
};

/**
 * Builds into `outdir` (default dist/) and returns the bundle's size and
 * esbuild's metafile. `bench: true` adds bench.html/bench.js (the
 * verification path without the UI) for `pnpm bench`.
 */
export async function build({ outdir = join(root, 'dist'), minify = true, bench = false } = {}) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: {
      app: join(root, 'src/app/main.ts'),
      ...(bench ? { bench: join(root, 'src/bench/entry.ts') } : {}),
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    conditions: ['source'],
    inject: [join(root, 'src/shims/buffer.ts')],
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    minify,
    sourcemap: false,
    legalComments: 'eof',
    metafile: true,
    logLevel: 'warning',
    plugins: [shimPlugin],
  });
  const leaked = Object.keys(result.metafile.inputs).filter((p) => NODE_BUILTINS.has(p));
  if (leaked.length > 0) throw new Error(`node modules in the browser bundle: ${leaked.join(', ')}`);
  for (const file of ['index.html', 'style.css']) await cp(join(root, 'static', file), join(outdir, file));
  if (bench) {
    await writeFile(
      join(outdir, 'bench.html'),
      '<!doctype html><meta charset="utf-8"><script type="module" src="bench.js"></script>',
    );
  }
  const app = await readFile(join(outdir, 'app.js'));
  const files = ['./', 'index.html', 'style.css', 'app.js'];
  const version = createHash('sha256')
    .update(app)
    .update(await readFile(join(outdir, 'index.html')))
    .update(await readFile(join(outdir, 'style.css')))
    .digest('hex')
    .slice(0, 16);
  const sw = (await readFile(join(root, 'static/sw.js'), 'utf8'))
    .replace('__VERSION__', version)
    .replace('__FILES__', JSON.stringify(files));
  await writeFile(join(outdir, 'sw.js'), sw);
  await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  return { outdir, version, bytes: app.length, metafile: result.metafile };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outdir, bytes, version } = await build();
  console.log(`built ${outdir} (app.js ${(bytes / 1024).toFixed(0)} KiB, version ${version})`);
}
