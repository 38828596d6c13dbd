import {
  assertSafeJson,
  type JsonObject,
  jsonDigest,
  MalformedValueError,
  parseJsonSafely,
  SchemaValidationError,
  VneidError,
} from '@vneid/core';
import { validateSubject } from '@vneid/schemas';
import { checkIssuerProof } from './lib/check-proof.js';
import { inspectCredential } from './lib/inspect-credential.js';
import { documentLoaderFor, type IssuerTrust, type StoredSummary, type WalletState } from './lib/state.js';
import { type CredentialSummary, toPublicSummary } from './list-credentials.js';

/** Outcome of {@link addCredential}. */
export interface AddResult {
  /** False when the wallet already held this exact credential (adding it again changes nothing). */
  added: boolean;
  credential: CredentialSummary;
}

/**
 * Verifies a credential offline and stores it encrypted. Checks, in order:
 * safe JSON (prototype keys, size and depth limits), structure (a VC 2.0
 * `VerifiableCredential` of one registered type, issuer DID, subject, one
 * Data Integrity proof, well-formed status entries), that the subject is
 * this wallet's holder, the subject's JSON Schema, and the issuer's proof
 * through the core (an ecdsa-sd-2023 base credential by deriving a full
 * disclosure and verifying that). Adding the same credential twice is harmless.
 * An expired credential is accepted (the citizen still sees it) and listed
 * with `expired: true`; `present` never picks it.
 *
 * @example
 * const { added, credential } = await wallet.add(vcFromIssuer)
 * @throws {VneidError} UNSAFE_JSON, INPUT_LIMIT_EXCEEDED, MALFORMED_VALUE_ERROR, UNKNOWN_CREDENTIAL_TYPE,
 *   HOLDER_MISMATCH, SCHEMA_VALIDATION_ERROR, PROOF_VERIFICATION_ERROR, DID_NOT_FOUND (did:web issuer
 *   unknown to the resolver), CONTEXT_NOT_ALLOWED, JSONLD_SAFE_MODE_ERROR, WALLET_LOCKED (closed),
 *   CREDENTIAL_ID_CONFLICT (a different credential under an id already held), ISSUER_NOT_TRUSTED (an issuer
 *   outside `trustedIssuers` with `untrustedIssuers: 'refuse'`; with `mark`, the default, it is stored and
 *   listed with `issuerTrust: 'untrusted'`).
 * @see https://www.w3.org/TR/vc-data-model-2.0/#verification
 */
export async function addCredential(state: WalletState, input: unknown): Promise<AddResult> {
  const vc = await verifyForHolder(state, input, state.holderKey.controller);
  const { vault } = state;
  const existing = await vault.get<StoredSummary>('summary', vc.shape.id);
  if (existing && existing.digest === vc.digest) {
    return { added: false, credential: toPublicSummary(existing, state.now()) };
  }
  // Another document under an id the wallet already holds: never overwrite.
  // Any did:key could otherwise replace the ministry's card (and reset its
  // known revocation) by reusing its id; the citizen removes the old one first.
  if (existing) {
    throw new VneidError('CREDENTIAL_ID_CONFLICT', 'the wallet already holds a different credential with this id', {
      details: { type: existing.type },
    });
  }
  const issuerTrust = await issuerTrustOf(state, vc.credential, vc.shape.issuer, vc.shape.type);
  if (issuerTrust === 'untrusted' && state.untrustedIssuers === 'refuse') {
    throw new VneidError('ISSUER_NOT_TRUSTED', 'the issuer is not trusted for this document type', {
      details: { type: vc.shape.type },
    });
  }
  const summary: StoredSummary = {
    ...vc.shape,
    issuerTrust,
    status: 'unknown',
    listsSeen: {},
    addedAt: state.now().toISOString(),
    digest: vc.digest,
  };
  await vault.write([vault.put('credential', vc.shape.id, vc.credential), vault.put('summary', vc.shape.id, summary)]);
  return { added: true, credential: toPublicSummary(summary, state.now()) };
}

/**
 * A valid signature says only that the key's holder signed: any did:key can
 * sign a "citizen identity card" to this wallet's holder. With a trust list,
 * the issuer must be in it, authorised for the type, and have signed with one
 * of its listed, uncompromised keys — the listed key material itself (the id
 * alone could name other material in the DID document the proof was checked
 * against), inside the key's validity window at the proof's `created` (a
 * retired key's holder still controls it, so `created` is honest; verifiers
 * refuse the same credentials with KEY_NOT_VALID).
 */
async function issuerTrustOf(
  state: WalletState,
  credential: JsonObject,
  issuerId: string,
  type: string,
): Promise<IssuerTrust> {
  if (!state.trustedIssuers) return 'unchecked';
  const entry = state.trustedIssuers.find((i) => i.id === issuerId);
  const proof = credential.proof as JsonObject | undefined;
  const single = proof && typeof proof === 'object' && !Array.isArray(proof) ? proof : undefined;
  const vm = single?.verificationMethod;
  const key = entry?.verificationMethods.find((m) => m.id === vm);
  if (!entry?.credentialTypes.includes(type) || !key || key.compromisedSince !== undefined) return 'untrusted';
  if (!inWindow(key, single?.created)) return 'untrusted';
  const used = await keyMaterialOf(state, key.id);
  return used === key.publicKeyMultibase ? 'trusted' : 'untrusted';
}

const dateOf = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
};

/** The key's validity window against the proof's `created`, as the verifier's keyWindowProblem checks it. */
function inWindow(key: { validFrom?: string; validUntil?: string }, created: unknown): boolean {
  const at = dateOf(created);
  if (at === undefined) return false;
  const from = dateOf(key.validFrom);
  const until = dateOf(key.validUntil);
  return !((from !== undefined && at < from) || (until !== undefined && at >= until));
}

/** The publicKeyMultibase the proof was verified with: the method as the wallet's loader resolves it. */
async function keyMaterialOf(state: WalletState, methodId: string): Promise<string | undefined> {
  try {
    const { document } = (await documentLoaderFor(state)(methodId)) as { document: unknown };
    const doc = (typeof document === 'string' ? JSON.parse(document) : document) as Record<string, unknown>;
    if (doc?.id === methodId && typeof doc.publicKeyMultibase === 'string') return doc.publicKeyMultibase;
    const methods = Array.isArray(doc?.verificationMethod) ? (doc.verificationMethod as Record<string, unknown>[]) : [];
    const found = methods.find((m) => m?.id === methodId);
    return typeof found?.publicKeyMultibase === 'string' ? found.publicKeyMultibase : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every check of {@link addCredential} but the write; also used to re-check
 * credentials restored from a backup.
 */
export async function verifyForHolder(state: WalletState, input: unknown, holderDid: string) {
  const credential = copySafely(input);
  const shape = inspectCredential(credential);
  if (shape.holder !== holderDid) {
    throw new VneidError('HOLDER_MISMATCH', 'the credential was issued to another holder', {
      details: { type: shape.type },
    });
  }
  const { valid, errors } = validateSubject(shape.type, credential.credentialSubject);
  if (!valid) {
    // Pointers and codes only: messages may quote the offending values.
    throw new SchemaValidationError(`${shape.type} credentialSubject does not match its schema`, {
      details: { type: shape.type, violations: errors.map((e) => ({ pointer: e.pointer, code: e.code })) },
    });
  }
  await checkIssuerProof(credential, shape.cryptosuite, documentLoaderFor(state));
  return { credential, shape, digest: jsonDigest(credential) };
}

// A JSON round trip after the safety walk: the stored copy is plain data that
// no getter or later mutation by the caller can change under us.
function copySafely(input: unknown): JsonObject {
  let value = input;
  if (typeof input === 'string') value = parseJsonSafely(input);
  else assertSafeJson(input);
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  assertSafeJson(copy);
  if (!copy || typeof copy !== 'object' || Array.isArray(copy)) {
    throw new MalformedValueError('a credential must be a JSON object');
  }
  return copy as JsonObject;
}
