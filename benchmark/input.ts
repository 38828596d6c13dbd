// The input every single-credential figure is measured on: a citizen
// identity card (11 claims) issued by a did:key, signed in each suite. Each
// signing call gets a fresh `id`, and verification cycles through a pool of
// distinct signed copies, so no cache keyed on a document's content can
// answer instead of doing the work.
import { randomUUID } from 'node:crypto';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  type CryptosuiteName,
  createDocumentLoader,
  type DocumentLoader,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  mandatoryPointersFor,
} from '@vneid/core';
import { signCredentialWithLibrary } from '@vneid/core/testing';
import { credentialSchemaFor, fixtures, getCredentialType, registeredContexts } from '@vneid/schemas';
import { deriveWithLibrary } from './library.js';

export const TYPE = 'CitizenIdentityCard';
/** The 2 of 11 claims every derivation and presentation discloses. */
export const DISCLOSED = ['fullName', 'dateOfBirth'] as const;
export const SELECTIVE_POINTERS = DISCLOSED.map((c) => `/credentialSubject/${c}`);
const POOL = 16;

/** An unsigned citizen identity card from `issuer`, with a fresh id. */
export function citizenCard(issuer: string): JsonObject {
  return {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, getCredentialType(TYPE).contextUrl],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', TYPE],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2036-01-01T00:00:00Z',
    credentialSchema: credentialSchemaFor(TYPE),
    credentialSubject: { ...fixtures[TYPE] },
  };
}

/** Keys, loader and signed pools for the standalone (no issuer service) figures. */
export interface Input {
  documentLoader: DocumentLoader;
  ed25519: KeyPair;
  p256: KeyPair;
  claims: number;
  mandatoryPointers: string[];
  /** Distinct signed copies per suite (ecdsa-sd-2023: base proofs). */
  /** The suites the benchmark signs ahead (eddsa-jcs-2022 is not measured). */
  signed: Record<Exclude<CryptosuiteName, 'eddsa-jcs-2022'>, JsonObject[]>;
  /** Each ecdsa-sd-2023 base copy derived to {@link DISCLOSED}. */
  derived: JsonObject[];
}

/** Signs the pools with the library path, so they do not depend on the code being measured. */
export async function buildInput(): Promise<Input> {
  const documentLoader = createDocumentLoader({ contexts: registeredContexts() });
  const ed25519 = await generateKeyPair({ keyType: 'Ed25519' });
  const p256 = await generateKeyPair({ keyType: 'P-256' });
  const mandatoryPointers = mandatoryPointersFor(citizenCard(p256.controller));
  const pool = async (cryptosuite: CryptosuiteName, key: KeyPair) =>
    Promise.all(
      Array.from({ length: POOL }, () =>
        signCredentialWithLibrary({
          credential: citizenCard(key.controller),
          key,
          cryptosuite,
          documentLoader,
          ...(cryptosuite === 'ecdsa-sd-2023' ? { mandatoryPointers } : {}),
        }),
      ),
    );
  const bases = await pool('ecdsa-sd-2023', p256);
  return {
    documentLoader,
    ed25519,
    p256,
    claims: Object.keys(fixtures[TYPE]).length,
    mandatoryPointers,
    signed: {
      'eddsa-rdfc-2022': await pool('eddsa-rdfc-2022', ed25519),
      'ecdsa-rdfc-2019': await pool('ecdsa-rdfc-2019', p256),
      'ecdsa-sd-2023': bases,
    },
    derived: await Promise.all(bases.map((base) => deriveWithLibrary(base, SELECTIVE_POINTERS, documentLoader))),
  };
}

/** A function returning the pool's items in turn. */
export function cycle<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new RangeError('empty pool');
  let i = 0;
  return () => items[i++ % items.length] as T;
}
