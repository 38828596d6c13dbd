import { Worker } from 'node:worker_threads';
import {
  type ErrorCode,
  type ExportedKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  VneidError,
} from '@vneid/core';
import type { SignJob } from './sign.js';

export interface SigningPool {
  sign(job: SignJob, key: ExportedKeyPair): Promise<JsonObject>;
  close(): Promise<void>;
}

// Jobs handed to a signing worker and not yet answered, over every pool of
// this process: the monitoring reads it as the signing queue depth without
// reaching into an issuer's context.
let inFlight = 0;

/** Signing jobs waiting for or inside a worker, across all pools of this process. */
export function signingQueueDepth(): number {
  return inFlight;
}

interface Pending {
  resolve: (credential: JsonObject) => void;
  reject: (error: Error) => void;
}

// From dist/ the worker is the emitted .js. From TypeScript sources (tests,
// tsx) it is the .ts file, and Node 20 does not apply the parent's --import
// loader hooks to a worker's entry module: a small eval'd shim registers tsx
// inside the worker first, then imports the .ts entry.
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./sign-worker.js', import.meta.url), { workerData });
  }
  const entry = new URL('./sign-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const shim = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const execArgv = process.execArgv.filter((a) => !a.includes('tsx'));
  if (!execArgv.some((a) => a.includes('conditions'))) execArgv.push('--conditions=source');
  return new Worker(shim, { eval: true, execArgv, workerData });
}

/**
 * A fixed pool of signing workers (worker_threads). Jobs go to the worker
 * with the fewest in flight; a worker that dies fails its own jobs only.
 */
export function createSigningPool(size: number, contexts: ReadonlyMap<string, JsonLdContextDocument>): SigningPool {
  let nextId = 1;
  const workers = Array.from({ length: size }, () => {
    const worker = startWorker({ contexts: [...contexts] });
    const pending = new Map<number, Pending>();
    worker.on(
      'message',
      (m: { id: number; ok: boolean; credential?: JsonObject; error?: { code: ErrorCode; message: string } }) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        inFlight--;
        if (m.ok && m.credential) p.resolve(m.credential);
        else p.reject(new VneidError(m.error?.code ?? 'PROOF_GENERATION_ERROR', m.error?.message ?? 'signing failed'));
      },
    );
    const state = { dead: false };
    const failAll = (error: Error) => {
      state.dead = true;
      inFlight -= pending.size;
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    worker.on('error', (error) =>
      failAll(new VneidError('PROOF_GENERATION_ERROR', 'signing worker failed', { cause: error })),
    );
    worker.on('exit', () => failAll(new VneidError('PROOF_GENERATION_ERROR', 'signing worker exited')));
    return { worker, pending, state };
  });
  return {
    sign(job, key) {
      const alive = workers.filter((x) => !x.state.dead);
      if (alive.length === 0)
        return Promise.reject(new VneidError('PROOF_GENERATION_ERROR', 'no signing worker is running'));
      const w = alive.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<JsonObject>((resolve, reject) => {
        w.pending.set(id, { resolve, reject });
        inFlight++;
        w.worker.postMessage({ id, job, key });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}
