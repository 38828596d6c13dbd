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

(globalThis as { vneidBench?: typeof run }).vneidBench = run;
