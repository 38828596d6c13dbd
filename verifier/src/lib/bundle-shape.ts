import { didWebToUrl, isFetchableUrl, keyTypeOfMultibase, MalformedValueError } from '@vneid/core';
import type { BundleIssuer, BundleVerificationMethod, TrustBundle } from '../types.js';
import { parseDateTime } from './dates.js';
import { assertRelyingParties } from './relying-parties-shape.js';
import { isStatusListPrefix } from './status-list-prefix.js';

const MULTIBASE_KEY = /^z[1-9A-HJ-NP-Za-km-z]{40,120}$/;
const DIGEST = /^sha256-[A-Za-z0-9+/]{43}=$/;
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const DID_KEY = /^did:key:(z[1-9A-HJ-NP-Za-km-z]{40,120})$/;
const PROOF_VALUE = /^z[1-9A-HJ-NP-Za-km-z]{80,90}$/;
const FRAGMENT = /^[A-Za-z0-9._-]{1,128}$/;

function fail(message: string): never {
  throw new MalformedValueError(`trust bundle: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) fail(`unexpected member "${key}" in ${where}`);
}

function date(value: unknown, where: string): number {
  const ms = parseDateTime(value);
  if (ms === undefined) fail(`${where} must be an ISO 8601 date-time with a time zone`);
  return ms;
}

function text(value: unknown, where: string, max = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) fail(`${where} must be a short string`);
  return value;
}

/** Status list and context URLs: see core's isFetchableUrl. */
export const isAllowedUrl = isFetchableUrl;

/** A did:web (validated strictly, no percent tricks), a did:key, or an https URL for issuers named by URL. */
export function isIssuerId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 512) return false;
  if (value.startsWith('did:web:')) {
    try {
      didWebToUrl(value);
      return true;
    } catch {
      return false;
    }
  }
  if (value.startsWith('did:key:')) return DID_KEY.test(value);
  return !value.startsWith('did:') && isAllowedUrl(value) && value.startsWith('https:');
}

function verificationMethod(value: unknown, issuerId: string, where: string): BundleVerificationMethod {
  if (!isObject(value)) fail(`${where} must be an object`);
  onlyKeys(value, ['id', 'type', 'publicKeyMultibase', 'validFrom', 'validUntil', 'compromisedSince'], where);
  if (value.type !== 'Multikey') fail(`${where}.type must be "Multikey"`);
  const pk = value.publicKeyMultibase;
  if (typeof pk !== 'string' || !MULTIBASE_KEY.test(pk) || keyTypeOfMultibase(pk) === undefined) {
    fail(`${where}.publicKeyMultibase is not an Ed25519, P-256 or P-384 Multikey`);
  }
  const id = text(value.id, `${where}.id`, 600);
  // The key id must name the issuer's own DID, or be the did:key of this very
  // key: the offline resolver builds documents from exactly these entries.
  const ownFragment = id.startsWith(`${issuerId}#`) && FRAGMENT.test(id.slice(issuerId.length + 1));
  const isDidKeyOfThisKey = id === `did:key:${pk}#${pk}`;
  if (!(issuerId.startsWith('did:web:') && ownFragment) && !isDidKeyOfThisKey) {
    fail(`${where}.id must be "<issuer DID>#<fragment>" or the did:key URL of the key`);
  }
  const from = date(value.validFrom, `${where}.validFrom`);
  if (value.validUntil !== undefined && date(value.validUntil, `${where}.validUntil`) <= from) {
    fail(`${where}.validUntil must be after validFrom`);
  }
  if (value.compromisedSince !== undefined) date(value.compromisedSince, `${where}.compromisedSince`);
  return value as unknown as BundleVerificationMethod;
}

function issuer(value: unknown, where: string): BundleIssuer {
  if (!isObject(value)) fail(`${where} must be an object`);
  onlyKeys(value, ['id', 'name', 'credentialTypes', 'verificationMethods', 'statusLists', 'statusListPrefix'], where);
  if (!isIssuerId(value.id)) fail(`${where}.id must be a did:web, did:key or https URL`);
  const id = value.id;
  if (!isObject(value.name)) fail(`${where}.name must be { vi, en }`);
  onlyKeys(value.name, ['vi', 'en'], `${where}.name`);
  text(value.name.vi, `${where}.name.vi`);
  text(value.name.en, `${where}.name.en`);
  if (!Array.isArray(value.credentialTypes) || !value.credentialTypes.every((t) => TYPE_NAME.test(String(t)))) {
    fail(`${where}.credentialTypes must be an array of type names`);
  }
  if (!value.credentialTypes.every((t) => typeof t === 'string')) fail(`${where}.credentialTypes must be strings`);
  if (!Array.isArray(value.verificationMethods) || value.verificationMethods.length === 0) {
    fail(`${where}.verificationMethods must be a non-empty array`);
  }
  const ids = new Set<string>();
  value.verificationMethods.forEach((vm, i) => {
    const parsed = verificationMethod(vm, id, `${where}.verificationMethods[${i}]`);
    if (ids.has(parsed.id)) fail(`${where}.verificationMethods has a duplicate id`);
    ids.add(parsed.id);
  });
  if (
    value.statusLists !== undefined &&
    (!Array.isArray(value.statusLists) || !value.statusLists.every(isAllowedUrl))
  ) {
    fail(`${where}.statusLists must be an array of https URLs`);
  }
  if (value.statusListPrefix !== undefined && !isStatusListPrefix(value.statusListPrefix)) {
    fail(
      `${where}.statusListPrefix must be a normalised https URL ending in "/", without query, fragment (not even an empty "?" or "#") or percent-encoding`,
    );
  }
  return value as unknown as BundleIssuer;
}

/**
 * Checks every member of a trust bundle (signature aside): types, dates, DID
 * shapes, key encodings, URLs, digests; unknown members are refused so that
 * nothing in a bundle is read without having been validated.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR naming the member.
 */
export function assertTrustBundleShape(value: unknown, { requireProof }: { requireProof: boolean }): TrustBundle {
  if (!isObject(value)) fail('must be a JSON object');
  onlyKeys(
    value,
    ['type', 'version', 'issuedAt', 'validUntil', 'contexts', 'issuers', 'relyingParties', 'proof'],
    'the bundle',
  );
  if (value.relyingParties !== undefined) assertRelyingParties(value.relyingParties);
  if (value.type !== 'VneidTrustBundle') fail('type must be "VneidTrustBundle"');
  if (typeof value.version !== 'number' || !Number.isSafeInteger(value.version) || value.version < 1) {
    fail('version must be a positive integer');
  }
  const issued = date(value.issuedAt, 'issuedAt');
  if (date(value.validUntil, 'validUntil') <= issued) fail('validUntil must be after issuedAt');
  if (!isObject(value.contexts)) fail('contexts must be an object');
  for (const [url, digest] of Object.entries(value.contexts)) {
    if (!isAllowedUrl(url)) fail(`context URL is not allowed: ${String(url).slice(0, 80)}`);
    if (typeof digest !== 'string' || !DIGEST.test(digest)) fail(`context digest of ${url.slice(0, 80)} is malformed`);
  }
  if (!Array.isArray(value.issuers)) fail('issuers must be an array');
  const issuerIds = new Set<string>();
  value.issuers.forEach((entry, i) => {
    const parsed = issuer(entry, `issuers[${i}]`);
    if (issuerIds.has(parsed.id)) fail(`issuers has a duplicate id ${parsed.id.slice(0, 80)}`);
    issuerIds.add(parsed.id);
  });
  if (value.proof === undefined) {
    if (requireProof) fail('proof is missing');
  } else {
    const proof = value.proof;
    if (!isObject(proof)) fail('proof must be an object');
    onlyKeys(proof, ['type', 'cryptosuite', 'verificationMethod', 'created', 'proofPurpose', 'proofValue'], 'proof');
    if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-jcs-2022') {
      fail('proof must be a DataIntegrityProof with cryptosuite eddsa-jcs-2022');
    }
    if (proof.proofPurpose !== 'assertionMethod') fail('proof.proofPurpose must be assertionMethod');
    text(proof.verificationMethod, 'proof.verificationMethod', 600);
    date(proof.created, 'proof.created');
    if (typeof proof.proofValue !== 'string' || !PROOF_VALUE.test(proof.proofValue)) {
      fail('proof.proofValue must be base58btc multibase');
    }
  }
  return value as unknown as TrustBundle;
}
