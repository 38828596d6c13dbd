import {
  type CryptosuiteName,
  createDocumentLoader,
  type DocumentLoader,
  type ExportedKeyPair,
  importKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  type KeyPair,
  signCredential,
} from '@vneid/core';

/** A signing job: a pure function of the credential and the exported key, so it can run in a worker. */
export interface SignJob {
  credential: JsonObject;
  cryptosuite: CryptosuiteName;
  mandatoryPointers?: string[];
  /** ISO time for the proof's `created`. */
  created: string;
}

export async function signWithKey(job: SignJob, key: KeyPair, documentLoader: DocumentLoader): Promise<JsonObject> {
  return signCredential({
    credential: job.credential,
    key,
    cryptosuite: job.cryptosuite,
    documentLoader,
    now: new Date(job.created),
    ...(job.cryptosuite === 'ecdsa-sd-2023' ? { mandatoryPointers: job.mandatoryPointers ?? [] } : {}),
  });
}

/**
 * Worker side: a signer that imports each exported key once and keeps one
 * loader for the worker's life, so the key's node:crypto object and the
 * loader's compiled canonicalization templates are reused across jobs.
 */
export function createExportedKeySigner(
  contexts: ReadonlyMap<string, JsonLdContextDocument>,
): (job: SignJob, exported: ExportedKeyPair) => Promise<JsonObject> {
  const documentLoader = createDocumentLoader({ contexts });
  const keys = new Map<string, Promise<KeyPair>>();
  return async (job, exported) => {
    const cacheKey = JSON.stringify(exported);
    let key = keys.get(cacheKey);
    if (!key) {
      key = importKeyPair(exported);
      keys.set(cacheKey, key);
      // A ministry signs with one key at a time; rotation adds one more.
      if (keys.size > 16) keys.delete(keys.keys().next().value!);
    }
    return signWithKey(job, await key, documentLoader);
  };
}
