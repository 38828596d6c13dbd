import * as vc from '@digitalbazaar/vc';
import type { DocumentLoader } from './document-loader.js';
import { RDFC_SUITES, signRdfcFast } from './fast/rdfc-proof.js';
import { deriveSdFast } from './fast/sd/derive.js';
import { signSdBaseFast } from './fast/sd/sign-base.js';
import { fastPathEnabled } from './fast/switch.js';
import type { KeyPair } from './keys.js';
import { toVneidError } from './lib/find-error.js';
import { assertSafePointers } from './pointers.js';
import { assertSafeJson } from './safe-json.js';
import { assertSdSafeValues } from './sd-value-guard.js';
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
  if (!fastPathEnabled(options.fastPath)) return signCredentialWithLibrary(options);
  if (RDFC_SUITES[options.cryptosuite]) {
    assertSafeJson(options.credential);
    let signed: JsonObject | undefined;
    try {
      signed = await signRdfcFast(options);
    } catch (error) {
      throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the credential');
    }
    if (signed) return signed;
  } else if (options.cryptosuite === 'ecdsa-sd-2023') {
    // The same guards as the library path, before the fast path (which learns from the library once per shape).
    assertSafeJson(options.credential);
    assertSdSafeValues(options.credential);
    if (options.mandatoryPointers) assertSafePointers(options.mandatoryPointers);
    let signed: JsonObject | undefined;
    try {
      signed = await signSdBaseFast(options);
    } catch (error) {
      throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the credential');
    }
    if (signed) return signed;
  }
  return signCredentialWithLibrary(options);
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
 */
export async function signCredentialWithLibrary(options: SignCredentialOptions): Promise<JsonObject> {
  assertSafeJson(options.credential);
  if (options.cryptosuite === 'ecdsa-sd-2023') assertSdSafeValues(options.credential);
  if (options.mandatoryPointers) assertSafePointers(options.mandatoryPointers);
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
export async function deriveCredential(options: {
  credential: JsonObject;
  selectivePointers: string[];
  documentLoader: DocumentLoader;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}): Promise<JsonObject> {
  assertSafeJson(options.credential);
  assertSdSafeValues(options.credential);
  assertSafePointers(options.selectivePointers);
  if (fastPathEnabled(options.fastPath)) {
    try {
      const derived = await deriveSdFast({ ...options, credential: structuredClone(options.credential) });
      if (derived) return derived;
    } catch (error) {
      throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not derive a selective-disclosure credential');
    }
  }
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
