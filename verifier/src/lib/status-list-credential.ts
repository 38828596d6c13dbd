import {
  assertSafeJson,
  decodeStatusList,
  idOf,
  type JsonObject,
  StatusVerificationError,
  singleProof,
  verifyCredentialProof,
} from '@vneid/core';
import type { CachedStatusList } from '../open-status-cache.js';
import type { BundleIssuer } from '../types.js';
import { parseDateTime } from './dates.js';
import { keyWindowProblem } from './key-window.js';
import { VERIFIER_LIMITS } from './limits.js';
import { contextProblem, type TrustView } from './trust-view.js';

function refuse(message: string): never {
  throw new StatusVerificationError(`status list refused: ${message}`);
}

/**
 * Verifies a downloaded BitstringStatusListCredential against the bundle: it
 * must be the list at `url`, issued by `issuer`, signed by one of that
 * issuer's bundle keys inside its window, with an intact proof and a list
 * that decodes within the size caps.
 *
 * @throws {VneidError} STATUS_VERIFICATION_ERROR, STATUS_LIST_LENGTH_ERROR, MALFORMED_VALUE_ERROR,
 *   UNSAFE_JSON, INPUT_LIMIT_EXCEEDED.
 */
export async function verifyStatusListCredential(
  credential: unknown,
  options: { url: string; issuer: BundleIssuer; view: TrustView; now: Date },
): Promise<CachedStatusList> {
  assertSafeJson(credential, VERIFIER_LIMITS.statusList);
  if (!credential || typeof credential !== 'object' || Array.isArray(credential)) refuse('not a JSON object');
  const doc = credential as JsonObject;
  const problem = contextProblem(doc, options.view);
  if (problem) refuse(problem);
  const types = Array.isArray(doc.type) ? doc.type : [doc.type];
  if (!types.includes('BitstringStatusListCredential')) refuse('not a BitstringStatusListCredential');
  if (doc.id !== options.url) refuse('its id is not the URL it was fetched from');
  if (idOf(doc.issuer) !== options.issuer.id) refuse('its issuer is not the bundle issuer that lists it');
  const found = singleProof(doc);
  if (!found.ok) throw new StatusVerificationError('status list refused: exactly one proof required');
  const { proof } = found;
  const vm = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : '';
  const key = options.view.keyFor(vm, options.issuer.id);
  if (!key) refuse('it is not signed by a key of its issuer in the bundle');
  const window = keyWindowProblem(key, proof.created);
  if (window) refuse(window.detail);
  const result = await verifyCredentialProof({
    credential: doc,
    documentLoader: options.view.documentLoader,
    bindIssuer: false,
  });
  if (!result.verified) refuse(`its proof does not verify (${result.error?.code ?? 'PROOF_VERIFICATION_ERROR'})`);
  const subject = doc.credentialSubject as Record<string, unknown> | undefined;
  if (!subject || typeof subject !== 'object' || subject.type !== 'BitstringStatusList') {
    refuse('credentialSubject must be a BitstringStatusList');
  }
  const purpose = subject.statusPurpose;
  if (purpose !== 'revocation' && purpose !== 'suspension') refuse('statusPurpose must be revocation or suspension');
  decodeStatusList(subject.encodedList); // size caps and herd-privacy minimum
  if (parseDateTime(doc.validFrom) === undefined) refuse('validFrom is missing or malformed');
  if (doc.validUntil !== undefined && parseDateTime(doc.validUntil) === undefined) refuse('validUntil is malformed');
  const entry: CachedStatusList = {
    url: options.url,
    issuer: options.issuer.id,
    statusPurpose: purpose,
    validFrom: doc.validFrom as string,
    encodedList: subject.encodedList as string,
    verificationMethod: vm,
    publicKeyMultibase: key.publicKeyMultibase,
    proofCreated: proof.created as string,
    fetchedAt: options.now.toISOString(),
    credential: doc,
  };
  if (typeof doc.validUntil === 'string') entry.validUntil = doc.validUntil;
  return entry;
}
