import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDocumentLoader,
  createOfflineDidResolver,
  type DidDocument,
  type DocumentLoader,
  deriveCredential,
  generateKeyPair,
  type JsonObject,
  verifyCredentialProof,
} from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';
import { DEV_MINISTRIES } from '../../src/dev/bootstrap.js';
import { type CreateIssuerOptions, createIssuer, type Issuer } from '../../src/index.js';

export const PASSPHRASE = 'correct horse battery staple — test only';

// The development ministries have one home, the service's dev bootstrap.
const [bca, bhxh, dhqghn] = DEV_MINISTRIES;
export const MINISTRIES = { bca, bhxh, dhqghn } as const;

/** Which ministry issues each built-in type. */
export const ISSUER_OF = {
  CitizenIdentityCard: 'bo-cong-an',
  DrivingLicence: 'bo-cong-an',
  HealthInsuranceCard: 'bhxh',
  UniversityDegree: 'dhqghn',
} as const;

export async function tempDir(prefix = 'vneid-issuer-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** An issuer with the three development ministries in a fresh temp dir. */
export async function freshIssuer(
  options: Partial<CreateIssuerOptions> = {},
): Promise<{ issuer: Issuer; dir: string; cleanup: () => Promise<void> }> {
  const dir = options.dataDir ?? (await tempDir());
  const issuer = await createIssuer({
    dataDir: dir,
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
    ...options,
  });
  for (const m of Object.values(MINISTRIES)) await issuer.addMinistry(m);
  return {
    issuer,
    dir,
    cleanup: async () => {
      await issuer.close();
      await removeDir(dir);
    },
  };
}

export async function holderDid(): Promise<string> {
  return (await generateKeyPair({ keyType: 'Ed25519' })).controller;
}

/** A verifier-side loader: bundled and registered contexts plus the given DID documents. */
export function verifierLoader(documents: DidDocument[]): DocumentLoader {
  return createDocumentLoader({
    contexts: registeredContexts() as never,
    resolver: createOfflineDidResolver({ documents }),
  });
}

/** Verifies as a verifier would: derive first for ecdsa-sd-2023 (base proofs are not accepted). */
export async function verifyIssued(credential: JsonObject, documents: DidDocument[]) {
  const documentLoader = verifierLoader(documents);
  const proof = credential.proof as { cryptosuite?: string };
  const toVerify =
    proof.cryptosuite === 'ecdsa-sd-2023'
      ? await deriveCredential({ credential, selectivePointers: [firstClaim(credential)], documentLoader })
      : credential;
  return verifyCredentialProof({ credential: toVerify, documentLoader });
}

function firstClaim(credential: JsonObject): string {
  const subject = credential.credentialSubject as Record<string, unknown>;
  return `/credentialSubject/${Object.keys(subject).find((k) => k !== 'id')}`;
}
