// What the fast verifiers check before they may say yes, shared by the rdfc
// and the ecdsa-sd-2023 paths: the plain case jsonld-signatures and vc also
// accept. Anything outside it sends the caller to the library.
import { CREDENTIALS_V2_CONTEXT_URL, DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL } from '../contexts.js';
import type { DocumentLoader } from '../document-loader.js';
import type { KeyType } from '../keys.js';
import { checkCredentialAsVc, XML_DATE_TIME } from './library-internals.js';
import { type NodePublicKey, nodePublicKey } from './node-keys.js';

type JsonObject = Record<string, unknown>;

/** A VCDM 2.0 document (the context list starts with the v2 context): vc's v2 checks apply. */
export function isVc2(document: JsonObject): boolean {
  const context = document['@context'];
  return Array.isArray(context) && context[0] === CREDENTIALS_V2_CONTEXT_URL;
}

/** The proof properties our issuers write. */
export const PLAIN_PROOF_KEYS: ReadonlySet<string> = new Set([
  'type',
  'created',
  'verificationMethod',
  'cryptosuite',
  'proofPurpose',
  'proofValue',
]);

/** `created` absent, or a date data-integrity accepts. */
export function createdIsAccepted(created: unknown): boolean {
  return created === undefined || (typeof created === 'string' && XML_DATE_TIME.test(created));
}

/** vc.verifyCredential's checks of the credential itself, at `now` with the one-second skew our library path uses. */
export function credentialChecksPass(credential: JsonObject, now: string | undefined): boolean {
  try {
    checkCredentialAsVc({ credential, now, mode: 'verify', maxClockSkew: 1 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The node:crypto key of a proof's verification method when it is a
 * Multikey of `keyType` listed under `relationship` by its controller's DID
 * document (read as is, as jsonld-signatures reads DID documents) and, with
 * `bindIssuer`, that controller is the document's issuer. `undefined` for
 * anything else.
 */
export async function relationshipKeyOf(options: {
  document: JsonObject;
  verificationMethod: string;
  documentLoader: DocumentLoader;
  keyType: KeyType;
  relationship: 'assertionMethod' | 'authentication';
  bindIssuer: boolean;
}): Promise<NodePublicKey | undefined> {
  const { documentLoader } = options;
  const method = await load(documentLoader, options.verificationMethod);
  if (method?.type !== 'Multikey' || typeof method.id !== 'string') return undefined;
  if (method['@context'] !== MULTIKEY_V1_CONTEXT_URL || typeof method.controller !== 'string') return undefined;
  const publicKey = nodePublicKey(method.publicKeyMultibase);
  if (publicKey?.keyType !== options.keyType) return undefined;
  const controller = await load(documentLoader, method.controller);
  if (!controller || !isDidDocument(controller) || !lists(controller[options.relationship], method.id))
    return undefined;
  if (options.bindIssuer && issuerIdOf(options.document.issuer) !== controller.id) return undefined;
  return publicKey;
}

/** A document from the loader, or `undefined` for anything that fails to load or is not an object. */
export async function load(documentLoader: DocumentLoader, url: string): Promise<JsonObject | undefined> {
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
