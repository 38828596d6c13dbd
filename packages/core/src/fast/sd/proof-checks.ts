// The preconditions verifyRdfcFast checks before it says yes, for an
// ecdsa-sd-2023 proof: the same plain proof shape (a `u…` value), the same
// Multikey / DID document / issuer binding, vc's own `_checkCredential`.
// These mirror private helpers of ../rdfc-proof.ts line for line; once that
// file exports them (or moves them to a shared module) this file should
// import them instead.
import * as vc from '@digitalbazaar/vc';
import { CREDENTIALS_V2_CONTEXT_URL, DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL } from '../../contexts.js';
import type { DocumentLoader } from '../../document-loader.js';
import { type NodePublicKey, nodePublicKey } from '../node-keys.js';

export type JsonObject = Record<string, unknown>;

export const SD_SUITE = 'ecdsa-sd-2023';

export function isVc2(document: JsonObject): boolean {
  const context = document['@context'];
  return Array.isArray(context) && context[0] === CREDENTIALS_V2_CONTEXT_URL;
}

const PLAIN_PROOF_KEYS = new Set([
  'type',
  'created',
  'verificationMethod',
  'cryptosuite',
  'proofPurpose',
  'proofValue',
]);

// data-integrity's XMLDateTimeRegExp (lib/util.js), which it applies to `created`.
const XML_DATE_TIME =
  /-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?/;

/** An issuer's assertion proof of this suite with exactly the properties our issuers write. */
export function hasPlainSdProofShape(proof: unknown): proof is JsonObject {
  if (!proof || typeof proof !== 'object' || Array.isArray(proof)) return false;
  const p = proof as JsonObject;
  for (const key of Object.keys(p)) if (!PLAIN_PROOF_KEYS.has(key)) return false;
  return (
    p.type === 'DataIntegrityProof' &&
    p.cryptosuite === SD_SUITE &&
    p.proofPurpose === 'assertionMethod' &&
    typeof p.verificationMethod === 'string' &&
    typeof p.proofValue === 'string' &&
    p.proofValue.startsWith('u') &&
    (p.created === undefined || (typeof p.created === 'string' && XML_DATE_TIME.test(p.created)))
  );
}

/**
 * vc.verifyCredential's checks of the credential itself (when the issuer is
 * bound), at the caller's `now` with vc's one-second skew as our library path uses.
 */
export function credentialChecksPass(credential: JsonObject, now: string | undefined): boolean {
  try {
    vc._checkCredential({ credential, now, mode: 'verify', maxClockSkew: 1 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The P-256 key of the proof's verification method, when it is a Multikey
 * listed under `assertionMethod` by its controller's DID document and, with
 * `bindIssuer`, that controller is the credential's issuer. `undefined` for
 * anything else (the library then decides).
 */
export async function assertionKeyOf(
  credential: JsonObject,
  verificationMethod: string,
  documentLoader: DocumentLoader,
  bindIssuer: boolean,
): Promise<NodePublicKey | undefined> {
  const method = await load(documentLoader, verificationMethod);
  if (method?.type !== 'Multikey' || typeof method.id !== 'string') return undefined;
  if (method['@context'] !== MULTIKEY_V1_CONTEXT_URL || typeof method.controller !== 'string') return undefined;
  const publicKey = nodePublicKey(method.publicKeyMultibase);
  if (publicKey?.keyType !== 'P-256') return undefined;
  const controller = await load(documentLoader, method.controller);
  if (!controller || !isDidDocument(controller) || !lists(controller.assertionMethod, method.id)) return undefined;
  if (bindIssuer && issuerIdOf(credential.issuer) !== controller.id) return undefined;
  return publicKey;
}

async function load(documentLoader: DocumentLoader, url: string): Promise<JsonObject | undefined> {
  try {
    const { document } = await documentLoader(url);
    return document && typeof document === 'object' ? (document as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

// jsonld-signatures reads DID documents as they are; anything else it frames.
function isDidDocument(document: JsonObject): boolean {
  const context = document['@context'];
  return context === DID_V1_CONTEXT_URL || (Array.isArray(context) && context[0] === DID_V1_CONTEXT_URL);
}

function lists(relationship: unknown, id: string): boolean {
  const values = relationship === undefined ? [] : Array.isArray(relationship) ? relationship : [relationship];
  return values.some((v) => v === id || (v !== null && typeof v === 'object' && (v as JsonObject).id === id));
}

function issuerIdOf(issuer: unknown): unknown {
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && !Array.isArray(issuer)) return (issuer as JsonObject).id;
  return undefined;
}
