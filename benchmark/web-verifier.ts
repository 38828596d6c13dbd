// The web verifier: its bundle size (gzipped, the issue-15 goal is < 500 KB)
// and verifyPresentation inside chromium (the page's own verification path,
// built by esbuild with the browser stand-ins for node:crypto/node:zlib)
// beside the same call in this Node process, on the same presentations, the
// same trust bundle and status lists, in the same run, timed the same way.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createQrPartCollector, decodePresentationQr, encodePresentationQr } from '@vneid/core';
import { verifyPresentation } from '@vneid/verifier';
import { build } from '@vneid/verifier-web/build';
import { chromium } from 'playwright-core';
import type { Figure } from './figures.js';
import type { World } from './world.js';

export interface WebResult {
  appBytes: number;
  appGzipBytes: number;
  browserColdMs: number;
  browserMs: number[];
  nodeMs: number[];
  /** The page's QR path (parts → presentation) in chromium and the same decoder in Node. */
  qr: { parts: number; bytes: number; browserMs: number[]; nodeMs: number[] };
  chromium: string;
}

const BUNDLE_GOAL_BYTES = 500 * 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const types: Record<string, string> = { html: 'text/html', js: 'text/javascript' };
  const server = http.createServer(async (req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.slice(1);
    if (!/^[a-z]+\.(html|js)$/.test(name)) return void res.writeHead(404).end();
    try {
      const body = await readFile(join(dir, name));
      res.writeHead(200, { 'content-type': types[name.split('.')[1]!]! }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Builds the page, times both sides with `runs` verifications after `warmup`. */
export async function measureWeb(world: World, runs: number, warmup: number): Promise<WebResult> {
  const built = await build({ outdir: join(world.dir, 'web'), bench: true });
  const app = await readFile(join(built.outdir, 'app.js'));
  const options = {
    challenge: world.request.challenge,
    domain: world.request.domain,
    request: world.request,
  };
  const nodeMs: number[] = [];
  const verifyInNode = async (i: number) => {
    const report = await verifyPresentation(world.presentations[i % world.presentations.length], {
      ...options,
      now: world.now,
      bundle: world.bundle,
      statusCache: world.statusCache,
      // One request's presentations, verified in turn: replay protection off, as in the browser figure.
      allowReplay: true,
    });
    if (!report.verified) throw new Error(`presentation refused in Node: ${JSON.stringify(report.errors)}`);
  };
  const server = await serve(built.outdir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/bench.html`);
    await page.waitForFunction('typeof globalThis.vneidBench === "function"');
    const input = {
      bundleText: JSON.stringify(world.signedBundle),
      anchorKey: world.anchorKey,
      statusLists: Object.fromEntries(world.statusLists),
      presentations: world.presentations,
      options: { ...options, now: world.now.toISOString() },
      warmup,
      runs,
    };
    // Interleaved halves, so that a burst of load from other work on the machine hits both sides.
    const half = Math.ceil(runs / 2);
    const browserMs: number[] = [];
    let browserColdMs = Number.NaN;
    for (let round = 0; round < 2; round++) {
      const r = (await page.evaluate(
        (i) => (globalThis as unknown as { vneidBench: (x: unknown) => unknown }).vneidBench(i),
        { ...input, runs: half },
      )) as { cold: number; times: number[] };
      if (round === 0) browserColdMs = r.cold;
      browserMs.push(...r.times);
      for (let i = 0; i < warmup; i++) await verifyInNode(i);
      for (let i = 0; i < half; i++) {
        const t = performance.now();
        await verifyInNode(i);
        nodeMs.push(performance.now() - t);
      }
    }
    const qr = await measureQr(page, world, runs, warmup);
    return {
      qr,
      appBytes: app.length,
      appGzipBytes: gzipSync(app, { level: 9 }).length,
      browserColdMs,
      browserMs,
      nodeMs,
      chromium: browser.version(),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Decoding the offline QR transport of one presentation, in the page and in Node, interleaved as above. */
async function measureQr(
  page: import('playwright-core').Page,
  world: World,
  runs: number,
  warmup: number,
): Promise<WebResult['qr']> {
  const parts = await encodePresentationQr({
    presentation: world.presentations[0]!,
    documentLoader: world.documentLoader,
  });
  const decodeInNode = async () => {
    // The same steps as the page: a collector per presentation, then the decoder.
    const collector = createQrPartCollector({ kind: 'presentation' });
    let held: Uint8Array[] = [];
    for (const part of parts) held = collector.add(part).parts;
    await decodePresentationQr({ parts: held, documentLoader: world.documentLoader });
  };
  const half = Math.ceil(runs / 2);
  const browserMs: number[] = [];
  const nodeMs: number[] = [];
  for (let round = 0; round < 2; round++) {
    const r = (await page.evaluate(
      (i) => (globalThis as unknown as { vneidBenchQr: (x: unknown) => unknown }).vneidBenchQr(i),
      { parts: parts.map((p) => [...p]), warmup, runs: half },
    )) as { times: number[] };
    browserMs.push(...r.times);
    for (let i = 0; i < warmup; i++) await decodeInNode();
    for (let i = 0; i < half; i++) {
      const t = performance.now();
      await decodeInNode();
      nodeMs.push(performance.now() - t);
    }
  }
  return { parts: parts.length, bytes: parts.reduce((n, p) => n + p.length, 0), browserMs, nodeMs };
}

/** Reading a presentation from its QR parts in the page, with Node's decoder in the baseline slot. */
export function webQrFigure(w: WebResult): Figure {
  return {
    key: 'web.decode-presentation-qr',
    name: `web verifier: a presentation from its QR parts (CBOR-LD, DEFLATE, framed) in chromium ${w.chromium}`,
    unit: 'ms',
    ours: { value: median(w.qr.browserMs), samples: w.qr.browserMs.length },
    library: { label: 'the same decoder in Node, built packages (not the library)', value: median(w.qr.nodeMs) },
    notes: [
      `${w.qr.parts} part(s), ${w.qr.bytes} bytes; browser / Node = ${(median(w.qr.browserMs) / median(w.qr.nodeMs)).toFixed(2)}×`,
    ],
  };
}

/** The browser figure, with Node's in the baseline slot (labelled as such: it is not the plain library). */
export function webFigure(w: WebResult): Figure {
  const kb = (n: number) => `${(n / 1000).toFixed(0)} KB`;
  return {
    key: 'web.verify-presentation',
    name: `web verifier: verifyPresentation in chromium ${w.chromium} (page bundle), every check, offline`,
    unit: 'ms',
    ours: { value: median(w.browserMs), samples: w.browserMs.length },
    library: { label: 'the same call in Node, built packages (not the library)', value: median(w.nodeMs) },
    notes: [
      `page bundle app.js ${kb(w.appBytes)}, gzipped ${kb(w.appGzipBytes)} — goal < 500 KB: ${w.appGzipBytes < BUNDLE_GOAL_BYTES ? 'PASS' : 'MISS'}`,
      `browser / Node = ${(median(w.browserMs) / median(w.nodeMs)).toFixed(2)}× (the "vs library" column reads Node / browser); first verification in the page ${w.browserColdMs.toFixed(1)} ms`,
    ],
  };
}
