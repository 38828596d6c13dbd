import * as vc from '@digitalbazaar/vc';
import type { DocumentLoader } from './document-loader.js';
import { fastAnswer, isFastRdfcSuite } from './fast/door.js';
import type { KeyPair } from './keys.js';
import { toVneidError } from './lib/find-error.js';
import { guardInput } from './lib/input-guards.js';
import { type CryptosuiteName, createDerivingSuite, createSigningSuite } from './suites.js';

/** A JSON credential or presentation (plain JSON object). */
export type JsonObject = Record<string, unknown>;

/**
 * Signs a credential with one Data Integrity proof. The input is not changed.
 *
 * @example
 * const signed = await signCredential({ credential, key, cryptosuite: 'ecdsa-sd-2023', mandatoryPointers: ['/issuer'], documentLoader });
 * @throws {VneidError} CONTEXT_NOT_ALLOWED, JSONLD_SAFE_MODE_ERROR, UNSAFE_JSON, INPUT_LIMIT_EXCEEDED, INVALID_KEY, PROOF_GENERATION_ERROR.
 * @see https://www.w3.org/TR/vc-data-integrity/#add-proof
 */
export async function signCredential(options: SignCredentialOptions): Promise<JsonObject> {
  guardSigning(options);
  const operation = isFastRdfcSuite(options.cryptosuite)
    ? 'signRdfc'
    : options.cryptosuite === 'ecdsa-sd-2023'
      ? 'signSdBase'
      : undefined;
  if (operation) {
    let signed: JsonObject | undefined;
    try {
      signed = await fastAnswer(operation, options, options.fastPath);
    } catch (error) {
      throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the credential');
    }
    if (signed) return signed;
  }
  return issueThroughLibrary(options);
}

function guardSigning(options: SignCredentialOptions): void {
  const sd = options.cryptosuite === 'ecdsa-sd-2023';
  guardInput('signCredential', options.credential, { sd, pointers: sd ? options.mandatoryPointers : undefined });
}

/** What {@link signCredential} takes. */
export interface SignCredentialOptions {
  credential: JsonObject;
  key: KeyPair;
  cryptosuite: CryptosuiteName;
  documentLoader: DocumentLoader;
  mandatoryPointers?: string[];
  now?: Date;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}

/**
 * The reference path: `vc.issue` with the Data Integrity suite, every call.
 * Proofs from {@link signCredential} must verify here and the other way round.
 * An oracle for tests and benchmarks (private: `@vneid/core/testing`).
 */
export async function signCredentialWithLibrary(options: SignCredentialOptions): Promise<JsonObject> {
  guardSigning(options);
  return issueThroughLibrary(options);
}

// The library path after the guards.
async function issueThroughLibrary(options: SignCredentialOptions): Promise<JsonObject> {
  const suite = createSigningSuite({
    cryptosuite: options.cryptosuite,
    key: options.key,
    date: options.now ?? new Date(),
    mandatoryPointers: options.mandatoryPointers,
  });
  try {
    return await vc.issue({
      credential: structuredClone(options.credential),
      suite,
      documentLoader: options.documentLoader,
      now: options.now,
    });
  } catch (error) {
    throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the credential');
  }
}

/**
 * Derives an ecdsa-sd-2023 credential that reveals only `selectivePointers`
 * (plus the issuer's mandatory pointers). Pointers come from verifiers, so
 * they are validated as hostile input first.
 *
 * @throws {VneidError} UNSAFE_POINTER, INPUT_LIMIT_EXCEEDED, CONTEXT_NOT_ALLOWED, PROOF_GENERATION_ERROR.
 * @see https://www.w3.org/TR/vc-di-ecdsa/#add-derived-proof-ecdsa-sd-2023
 */
export async function deriveCredential(options: DeriveCredentialOptions): Promise<JsonObject> {
  guardInput('deriveCredential', options.credential, { sd: true, pointers: options.selectivePointers });
  let derived: JsonObject | undefined;
  try {
    derived = await fastAnswer(
      'deriveSd',
      { ...options, credential: structuredClone(options.credential) },
      options.fastPath,
    );
  } catch (error) {
    throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not derive a selective-disclosure credential');
  }
  return derived ?? deriveThroughLibrary(options);
}

/** What {@link deriveCredential} takes. */
export interface DeriveCredentialOptions {
  credential: JsonObject;
  selectivePointers: string[];
  documentLoader: DocumentLoader;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}

/**
 * The reference path of {@link deriveCredential}: `vc.derive`, every call.
 * The oracle the fast derivation is compared with (private: `@vneid/core/testing`).
 */
export async function deriveCredentialWithLibrary(options: DeriveCredentialOptions): Promise<JsonObject> {
  guardInput('deriveCredential', options.credential, { sd: true, pointers: options.selectivePointers });
  return deriveThroughLibrary(options);
}

async function deriveThroughLibrary(options: DeriveCredentialOptions): Promise<JsonObject> {
  try {
    return await vc.derive({
      verifiableCredential: structuredClone(options.credential),
      suite: createDerivingSuite({ selectivePointers: options.selectivePointers }),
      documentLoader: options.documentLoader,
    });
  } catch (error) {
    throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not derive a selective-disclosure credential');
  }
}
