// The benchmark's page script: the same browser verification path as the
// app (same shims, same @vneid/verifier/browser), without the UI. `pnpm
// bench` loads it in chromium and times verifyPresentation beside Node.
import {
  createMemoryStatusCache,
  loadTrustBundle,
  syncStatus,
  type VerifyPresentationOptions,
  verifyPresentation,
} from '@vneid/verifier/browser';
import { createPresentationSequence } from '../app/qr-sequence.js';

export interface BenchInput {
  bundleText: string;
  anchorKey: string;
  /** Status list credentials by URL, handed to syncStatus through its fetch. */
  statusLists: Record<string, unknown>;
  presentations: unknown[];
  options: Pick<VerifyPresentationOptions, 'challenge' | 'domain' | 'request'> & { now: string };
  warmup: number;
  runs: number;
}

async function run(input: BenchInput): Promise<{ cold: number; times: number[] }> {
  const now = new Date(input.options.now);
  const bundle = await loadTrustBundle(input.bundleText, { anchorKey: input.anchorKey, now });
  const statusCache = createMemoryStatusCache();
  const sync = await syncStatus(bundle, {
    cache: statusCache,
    now,
    fetch: async (url) => new Response(JSON.stringify(input.statusLists[url])),
  });
  if (!sync.ok) throw new Error(`status sync failed: ${JSON.stringify(sync.results)}`);
  const verify = async (i: number) => {
    const report = await verifyPresentation(input.presentations[i % input.presentations.length], {
      ...input.options,
      now,
      bundle,
      statusCache,
      // One request's presentations, verified in turn: replay protection off, as in the Node figure.
      allowReplay: true,
    });
    if (!report.verified) throw new Error(`presentation refused: ${JSON.stringify(report.errors)}`);
  };
  let t = performance.now();
  await verify(0);
  const cold = performance.now() - t;
  for (let i = 1; i <= input.warmup; i++) await verify(i);
  const times: number[] = [];
  for (let i = 0; i < input.runs; i++) {
    t = performance.now();
    await verify(i);
    times.push(performance.now() - t);
  }
  return { cold, times };
}

/**
 * The page's QR path without the camera: every part of one presentation
 * through a fresh sequence (header checks, reassembly, digest, DEFLATE,
 * CBOR-LD with the page's loader), as many times as asked.
 */
async function runQr(input: { parts: number[][]; warmup: number; runs: number }): Promise<{ times: number[] }> {
  const parts = input.parts.map((p) => Uint8Array.from(p));
  const decode = async () => {
    const sequence = createPresentationSequence();
    for (const part of parts) {
      const step = await sequence.add(part);
      if (step.state === 'complete') return;
    }
    throw new Error('the parts did not complete a presentation');
  };
  for (let i = 0; i < input.warmup; i++) await decode();
  const times: number[] = [];
  for (let i = 0; i < input.runs; i++) {
    const t = performance.now();
    await decode();
    times.push(performance.now() - t);
  }
  return { times };
}

(globalThis as { vneidBench?: typeof run }).vneidBench = run;
(globalThis as { vneidBenchQr?: typeof runQr }).vneidBenchQr = runQr;
