import {
  CREDENTIALS_V2_CONTEXT_URL,
  idOf,
  isFetchableUrl,
  type JsonObject,
  MalformedValueError,
  parseStatusListIndex,
  type StatusPurpose,
} from '@vneid/core';
import { getCredentialType } from '@vneid/schemas';

/** Where one status bit of a credential is published. */
export interface StatusEntry {
  purpose: StatusPurpose;
  listUrl: string;
  index: string;
}

/** What the wallet reads from a credential's structure before trusting any of it. */
export interface CredentialShape {
  id: string;
  type: string;
  issuer: string;
  holder: string;
  validFrom?: string;
  validUntil?: string;
  cryptosuite: string;
  /** Subject field names present (never their values), `id` excluded. */
  fields: string[];
  statusEntries: StatusEntry[];
}

// Indexes are only known to be inside a list once the list is fetched; until
// then the largest list the core will decode bounds them.
const MAX_INDEX_BOUND = 2 ** 24;

/**
 * Checks the structure of a credential the wallet is asked to hold: a VC 2.0
 * `VerifiableCredential` of exactly one registered type whose context it
 * uses, an issuer, a subject with a holder id, one Data Integrity proof and
 * well-formed status entries. The caller has already run `assertSafeJson`.
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR naming what is wrong.
 * @throws {VneidError} UNKNOWN_CREDENTIAL_TYPE for a type the schemas package does not know.
 */
export function inspectCredential(vc: JsonObject): CredentialShape {
  const context = vc['@context'];
  if (!Array.isArray(context) || context[0] !== CREDENTIALS_V2_CONTEXT_URL) {
    throw new MalformedValueError('@context must be an array starting with the VC 2.0 context');
  }
  const types = vc.type;
  if (!Array.isArray(types) || !types.includes('VerifiableCredential') || types.some((t) => typeof t !== 'string')) {
    throw new MalformedValueError('type must be an array containing VerifiableCredential');
  }
  const specific = types.filter((t) => t !== 'VerifiableCredential') as string[];
  if (specific.length !== 1) throw new MalformedValueError('a credential must have exactly one document type');
  const type = specific[0]!;
  const definition = getCredentialType(type);
  if (!context.includes(definition.contextUrl)) {
    throw new MalformedValueError(`a ${type} must use its context ${definition.contextUrl}`);
  }
  const issuer = idOf(vc.issuer);
  if (!issuer?.startsWith('did:')) throw new MalformedValueError('issuer must be a DID');
  const subject = vc.credentialSubject;
  if (!subject || typeof subject !== 'object' || Array.isArray(subject)) {
    throw new MalformedValueError('credentialSubject must be one object');
  }
  const holder = (subject as JsonObject).id;
  if (typeof holder !== 'string') throw new MalformedValueError('credentialSubject.id must name the holder');
  const proof = vc.proof;
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) {
    throw new MalformedValueError('a credential must carry exactly one proof object');
  }
  const { type: proofType, cryptosuite } = proof as JsonObject;
  if (proofType !== 'DataIntegrityProof' || typeof cryptosuite !== 'string') {
    throw new MalformedValueError('the proof must be a DataIntegrityProof naming its cryptosuite');
  }
  const id = typeof vc.id === 'string' && vc.id.length > 0 && vc.id.length <= 512 ? vc.id : undefined;
  if (!id) throw new MalformedValueError('a credential the wallet holds must have an id');
  return {
    id,
    type,
    issuer,
    holder,
    ...optionalDate(vc, 'validFrom'),
    ...optionalDate(vc, 'validUntil'),
    cryptosuite,
    fields: Object.keys(subject).filter((k) => k !== 'id'),
    statusEntries: statusEntries(vc.credentialStatus),
  };
}

function optionalDate(vc: JsonObject, name: 'validFrom' | 'validUntil'): Partial<Record<typeof name, string>> {
  const value = vc[name];
  if (value === undefined) return {};
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new MalformedValueError(`${name} must be a date-time string`);
  }
  return { [name]: value };
}

function statusEntries(value: unknown): StatusEntry[] {
  if (value === undefined) return [];
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry): StatusEntry => {
    const e = (entry && typeof entry === 'object' ? entry : {}) as JsonObject;
    if (e.type !== 'BitstringStatusListEntry') {
      throw new MalformedValueError('credentialStatus entries must be BitstringStatusListEntry');
    }
    if (e.statusPurpose !== 'revocation' && e.statusPurpose !== 'suspension') {
      throw new MalformedValueError('statusPurpose must be revocation or suspension');
    }
    if (!isFetchableUrl(e.statusListCredential)) {
      throw new MalformedValueError('statusListCredential must be an https URL (http only on loopback)');
    }
    parseStatusListIndex(e.statusListIndex, MAX_INDEX_BOUND);
    return { purpose: e.statusPurpose, listUrl: e.statusListCredential, index: e.statusListIndex as string };
  });
}
