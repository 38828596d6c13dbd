import { sign, verify } from 'node:crypto';
import type { DocumentLoader } from '../document-loader.js';
import type { KeyPair, KeyType } from '../keys.js';
import { decodeBase58, encodeBase58 } from '../lib/base58.js';
import { canonizeFast } from './canonize-fast.js';
import { checkCredentialAsVc } from './library-internals.js';
import { nodePrivateKey } from './node-keys.js';
import { sha256, signP256, verifyP256 } from './p256.js';
import {
  createdIsAccepted,
  credentialChecksPass,
  isVc2,
  PLAIN_PROOF_KEYS,
  relationshipKeyOf,
} from './proof-preconditions.js';

type JsonObject = Record<string, unknown>;

/** The suites whose proofs are a signature over two RDFC-1.0 hashes. */
export const RDFC_SUITES: Readonly<Record<string, KeyType>> = {
  'eddsa-rdfc-2022': 'Ed25519',
  'ecdsa-rdfc-2019': 'P-256',
};

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
    checkCredentialAsVc({ credential, now: options.now, mode: 'issue', maxClockSkew: 300 });
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
  const signature = keyType === 'Ed25519' ? sign(null, data, privateKey) : signP256(privateKey, data);
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
  if (bindIssuer && !credentialChecksPass(credential, options.now)) return false;
  const publicKey = await relationshipKeyOf({
    document: credential,
    verificationMethod: proof.verificationMethod as string,
    documentLoader,
    keyType,
    relationship: purpose.term,
    bindIssuer,
  });
  if (!publicKey) return false;

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
    : verifyP256(publicKey.key, data, signature);
}

async function verifyData(document: JsonObject, proof: JsonObject, documentLoader: DocumentLoader): Promise<Buffer> {
  const proofConfig = { '@context': document['@context'], ...proof };
  const [canonicalProof, canonicalDocument] = await Promise.all([
    canonizeFast(proofConfig, documentLoader),
    canonizeFast(document, documentLoader),
  ]);
  return Buffer.concat([sha256(canonicalProof), sha256(canonicalDocument)]);
}

const PRESENTATION_PROOF_KEYS = new Set([...PLAIN_PROOF_KEYS, 'challenge', 'domain']);

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
    createdIsAccepted(proof.created)
  );
}

// data-integrity's w3cDate: ISO 8601 without milliseconds.
function w3cDate(date: Date): string {
  return `${date.toISOString().slice(0, -5)}Z`;
}
