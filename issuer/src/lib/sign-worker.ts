// Worker-thread entry: signs credentials handed over by the worker pool.
// It holds no state beyond the contexts it was started with and never
// touches the database: allocation and records stay in the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { ExportedKeyPair, JsonLdContextDocument } from '@vneid/core';
import { toVneidError } from '@vneid/core';
import { createExportedKeySigner, type SignJob } from './sign.js';

interface Message {
  id: number;
  job: SignJob;
  key: ExportedKeyPair;
}

const signWithExportedKey = createExportedKeySigner(
  new Map<string, JsonLdContextDocument>((workerData as { contexts: Array<[string, JsonLdContextDocument]> }).contexts),
);

parentPort?.on('message', async (message: Message) => {
  try {
    const credential = await signWithExportedKey(message.job, message.key);
    parentPort?.postMessage({ id: message.id, ok: true, credential });
  } catch (error) {
    const e = toVneidError(error, 'PROOF_GENERATION_ERROR', 'signing failed in worker');
    parentPort?.postMessage({ id: message.id, ok: false, error: { code: e.code, message: e.message } });
  }
});
