import { createHash, sign, verify } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { p256 } from '@noble/curves/nist.js';
import { CREDENTIALS_V2_CONTEXT_URL, DID_V1_CONTEXT_URL, MULTIKEY_V1_CONTEXT_URL } from '../contexts.js';
import type { DocumentLoader } from '../document-loader.js';
import type { KeyPair, KeyType } from '../keys.js';
import { decodeBase58, encodeBase58 } from '../lib/base58.js';
import { canonizeFast } from './canonize-fast.js';
import { nodePrivateKey, nodePublicKey } from './node-keys.js';

type JsonObject = Record<string, unknown>;

/** The suites whose proofs are a signature over two RDFC-1.0 hashes. */
export const RDFC_SUITES: Readonly<Record<string, KeyType>> = {
  'eddsa-rdfc-2022': 'Ed25519',
  'ecdsa-rdfc-2019': 'P-256',
};

const P256_ORDER = p256.Point.Fn.ORDER;
const P256_HALF_ORDER = P256_ORDER >> 1n;

/**
 * Signs like `vc.issue` with a DataIntegrityProof of an rdfc suite, without
 * the library's per-call context processing and key import: same checks
 * (`_checkCredential`), same proof object in the same key order, same
 * verify data (SHA-256 of the canonical proof options ‖ SHA-256 of the
 * canonical document), same signature bytes for Ed25519 (deterministic).
 * `undefined` when the credential is outside this path (a proof already
 * present, not VCDM 2.0, a key that does not import): use the library.
 *
 * @see https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
 * @see https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019
 */
export async function signRdfcFast(options: {
  credential: JsonObject;
  key: KeyPair;
  cryptosuite: string;
  documentLoader: DocumentLoader;
  now?: Date;
  /** Default: an issuer's assertion, with vc's credential checks. A holder's presentation names its challenge and domain. */
  purpose?: FastProofPurpose;
}): Promise<JsonObject | undefined> {
  const { credential, key, cryptosuite, documentLoader, purpose = ASSERTION } = options;
  const keyType = RDFC_SUITES[cryptosuite];
  if (!keyType || key.keyType !== keyType || 'proof' in credential || !isVc2(credential)) return undefined;
  const privateKey = nodePrivateKey(key);
  if (!privateKey) return undefined;
  // vc.issue checks credentials; vc.signPresentation checks nothing beyond jsonld-signatures.
  if (purpose.term === 'assertionMethod') {
    vc._checkCredential({ credential, now: options.now, mode: 'issue', maxClockSkew: 300 });
  }
  const proof: JsonObject = {
    type: 'DataIntegrityProof',
    created: w3cDate(options.now ?? new Date()),
    verificationMethod: key.id,
    cryptosuite,
    proofPurpose: purpose.term,
  };
  if (purpose.term === 'authentication') {
    proof.challenge = purpose.challenge;
    proof.domain = purpose.domain;
  }
  const data = await verifyData(credential, proof, documentLoader);
  const signature =
    keyType === 'Ed25519'
      ? sign(null, data, privateKey)
      : lowS(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  return { ...structuredClone(credential), proof: { ...proof, proofValue: `z${encodeBase58(signature)}` } };
}

/** What a proof is for, as jsonld-signatures' AssertionProofPurpose / AuthenticationProofPurpose check it. */
export type FastProofPurpose =
  | { term: 'assertionMethod' }
  | { term: 'authentication'; challenge: string; domain: string };

const ASSERTION: FastProofPurpose = { term: 'assertionMethod' };

/**
 * Accepts a credential's (or presentation's) rdfc proof when it is the
 * plain, common case the library would also accept: exactly the proof
 * properties our issuers and wallets write (the expected challenge and
 * domain for a presentation), a Multikey verification method listed under
 * the purpose's relationship in a DID document, the issuer that controls it
 * (credentials, when `bindIssuer`), vc's own `_checkCredential`, and a
 * valid signature over the canonical forms.
 * Anything else — including every failure — returns `undefined`, and the
 * caller asks the library, whose verdict and error then stand. So this path
 * can only ever say yes to what the library says yes to, never no.
 */
export async function verifyRdfcFast(options: {
  credential: JsonObject;
  documentLoader: DocumentLoader;
  bindIssuer: boolean;
  now: string | undefined;
  purpose?: FastProofPurpose;
}): Promise<boolean> {
  const { credential, documentLoader, purpose = ASSERTION } = options;
  // Presentations are bound to their holder by the caller, never to an issuer.
  const bindIssuer = options.bindIssuer && purpose.term === 'assertionMethod';
  const proof = credential.proof as JsonObject;
  const keyType = RDFC_SUITES[proof.cryptosuite as string];
  if (!keyType || !isVc2(credential) || !hasPlainProofShape(proof, purpose)) return false;
  if (bindIssuer) {
    try {
      vc._checkCredential({ credential, now: options.now, mode: 'verify', maxClockSkew: 1 });
    } catch {
      return false;
    }
  }
  const method = await load(documentLoader, proof.verificationMethod as string);
  if (method?.type !== 'Multikey' || typeof method.id !== 'string') return false;
  if (method['@context'] !== MULTIKEY_V1_CONTEXT_URL || typeof method.controller !== 'string') return false;
  const publicKey = nodePublicKey(method.publicKeyMultibase);
  if (!publicKey || publicKey.keyType !== keyType) return false;
  const controller = await load(documentLoader, method.controller);
  if (!controller || !isDidDocument(controller) || !lists(controller[purpose.term], method.id)) return false;
  if (bindIssuer && issuerIdOf(credential.issuer) !== controller.id) return false;

  const { proofValue, ...proofOptions } = proof;
  const signature = decodeBase58((proofValue as string).slice(1));
  if (!signature) return false;
  const { proof: _, ...unsigned } = credential;
  let data: Buffer;
  try {
    data = await verifyData(unsigned, proofOptions, documentLoader);
  } catch {
    return false;
  }
  return keyType === 'Ed25519'
    ? verify(null, data, publicKey.key, signature)
    : verify('sha256', data, { key: publicKey.key, dsaEncoding: 'ieee-p1363' }, signature);
}

async function verifyData(document: JsonObject, proof: JsonObject, documentLoader: DocumentLoader): Promise<Buffer> {
  const proofConfig = { '@context': document['@context'], ...proof };
  const [canonicalProof, canonicalDocument] = await Promise.all([
    canonizeFast(proofConfig, documentLoader),
    canonizeFast(document, documentLoader),
  ]);
  return Buffer.concat([sha256(canonicalProof), sha256(canonicalDocument)]);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function isVc2(document: JsonObject): boolean {
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
const PRESENTATION_PROOF_KEYS = new Set([...PLAIN_PROOF_KEYS, 'challenge', 'domain']);

// data-integrity's XMLDateTimeRegExp (lib/util.js), which it applies to `created`.
const XML_DATE_TIME =
  /-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|(24:00:00(\.0+)?))(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?/;

function hasPlainProofShape(proof: JsonObject, purpose: FastProofPurpose): boolean {
  const allowed = purpose.term === 'authentication' ? PRESENTATION_PROOF_KEYS : PLAIN_PROOF_KEYS;
  for (const key of Object.keys(proof)) if (!allowed.has(key)) return false;
  if (purpose.term === 'authentication' && (proof.challenge !== purpose.challenge || proof.domain !== purpose.domain)) {
    return false;
  }
  return (
    proof.type === 'DataIntegrityProof' &&
    proof.proofPurpose === purpose.term &&
    typeof proof.verificationMethod === 'string' &&
    typeof proof.proofValue === 'string' &&
    proof.proofValue.startsWith('z') &&
    (proof.created === undefined || (typeof proof.created === 'string' && XML_DATE_TIME.test(proof.created)))
  );
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

// data-integrity's w3cDate: ISO 8601 without milliseconds.
function w3cDate(date: Date): string {
  return `${date.toISOString().slice(0, -5)}Z`;
}

// node signs with either S; @noble/curves and many HSM verifiers reject high-S.
// Plain BigInt on the 32-byte halves: parsing through noble costs more than the signature.
function lowS(signature: Buffer): Buffer {
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  if (s <= P256_HALF_ORDER) return signature;
  const low = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  return Buffer.concat([signature.subarray(0, 32), low]);
}
