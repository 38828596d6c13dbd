import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { InvalidKeyError } from '../errors.js';
import { createDidDocument, type DidDocument } from './did-document.js';

// Multibase base58btc prefixes of the multicodec headers we accept:
// 0xed01 (Ed25519 public key) → z6Mk, 0x8024 (P-256 compressed) → zDna.
const ED25519_PREFIX = 'z6Mk';
const P256_PREFIX = 'zDn';
const P384_PREFIX = 'z82L';
const MAX_DID_KEY_LENGTH = 128;

/** Key algorithm of a Multikey public key, from its multicodec header. */
export function keyTypeOfMultibase(publicKeyMultibase: string): 'Ed25519' | 'P-256' | 'P-384' | undefined {
  if (publicKeyMultibase.startsWith(ED25519_PREFIX)) return 'Ed25519';
  if (publicKeyMultibase.startsWith(P256_PREFIX)) return 'P-256';
  // P-384 is verify-only here: W3C vectors and other issuers use it; we sign with P-256.
  if (publicKeyMultibase.startsWith(P384_PREFIX)) return 'P-384';
  return undefined;
}

/** `did:key:<multibase>` for a Multikey public key. */
export function didKeyFromPublicKey(publicKeyMultibase: string): string {
  return `did:key:${publicKeyMultibase}`;
}

const MAX_CACHED_DID_KEYS = 4096;
// A did:key document is a pure function of the DID; checking the key
// (an import into WebCrypto) once per DID is enough.
const resolvedDidKeys = new Map<string, DidDocument>();

/**
 * Expands a `did:key` into its DID document entirely offline, after checking
 * that the key decodes as an Ed25519, P-256 or P-384 public key. The
 * document is frozen and shared: copy it before changing it.
 *
 * @throws {InvalidKeyError} INVALID_KEY for anything else.
 */
export async function resolveDidKey(did: string): Promise<Readonly<DidDocument>> {
  const cached = resolvedDidKeys.get(did);
  if (cached) return cached;
  const document = deepFreeze(await resolveDidKeyUncached(did));
  resolvedDidKeys.set(did, document);
  if (resolvedDidKeys.size > MAX_CACHED_DID_KEYS) resolvedDidKeys.delete(resolvedDidKeys.keys().next().value!);
  return document;
}

// Shared between callers, so nobody may change it (the document loader hands out copies).
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

async function resolveDidKeyUncached(did: string): Promise<DidDocument> {
  const multibase = did.slice('did:key:'.length);
  if (
    !did.startsWith('did:key:') ||
    multibase.length > MAX_DID_KEY_LENGTH ||
    !/^z[1-9A-HJ-NP-Za-km-z]+$/.test(multibase)
  ) {
    throw new InvalidKeyError(`not a did:key of a supported key: ${did.slice(0, 80)}`);
  }
  const type = keyTypeOfMultibase(multibase);
  const id = `${did}#${multibase}`;
  try {
    const key = { type: 'Multikey', id, controller: did, publicKeyMultibase: multibase };
    if (type === 'Ed25519') await Ed25519Multikey.from(key);
    else if (type === 'P-256' || type === 'P-384') await EcdsaMultikey.from(key);
    else throw new Error('unsupported multicodec');
  } catch (cause) {
    throw new InvalidKeyError(`did:key does not hold a valid Ed25519 or P-256 key: ${did.slice(0, 80)}`, { cause });
  }
  return createDidDocument({ did, verificationMethods: [{ id, publicKeyMultibase: multibase }] });
}
