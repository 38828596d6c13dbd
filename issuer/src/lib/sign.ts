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

/** Worker side: import the exported key and sign with a loader over the given contexts. */
export async function signWithExportedKey(
  job: SignJob,
  exported: ExportedKeyPair,
  contexts: ReadonlyMap<string, JsonLdContextDocument>,
): Promise<JsonObject> {
  const key = await importKeyPair(exported);
  return signWithKey(job, key, createDocumentLoader({ contexts }));
}
