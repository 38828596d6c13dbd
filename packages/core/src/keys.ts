import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { p256, p384 } from '@noble/curves/nist.js';
import { didKeyFromPublicKey } from './did/did-key.js';
import { InvalidKeyError } from './errors.js';

/** Key algorithms we sign with: Ed25519 (eddsa-*), P-256 (ecdsa-*) and P-384 (ecdsa-rdfc-2019). */
export type KeyType = 'Ed25519' | 'P-256' | 'P-384';

/** A Multikey key pair as stored (the secret part only where the caller asked for it). */
export interface ExportedKeyPair {
  type: 'Multikey';
  keyType: KeyType;
  id: string;
  controller: string;
  publicKeyMultibase: string;
  secretKeyMultibase?: string;
}

/** A signer as the Data Integrity suites use it. */
export interface Signer {
  id: string;
  algorithm: string;
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
}

/** A live key pair: the exported form plus a signer when the secret is present. */
export interface KeyPair {
  readonly keyType: KeyType;
  readonly id: string;
  readonly controller: string;
  readonly publicKeyMultibase: string;
  signer(): Signer;
  export(options?: { includeSecret?: boolean }): ExportedKeyPair;
}

/**
 * Generates a key pair. Without `controller`, the key becomes its own
 * `did:key` (holder keys); with it, `id` defaults to `<controller>#<multibase>`.
 *
 * @example
 * const holder = await generateKeyPair({ keyType: 'Ed25519' }); // holder.controller is a did:key
 */
export async function generateKeyPair(options: {
  keyType: KeyType;
  controller?: string;
  id?: string;
}): Promise<KeyPair> {
  const raw =
    options.keyType === 'Ed25519'
      ? await Ed25519Multikey.generate()
      : await EcdsaMultikey.generate({ curve: options.keyType === 'P-384' ? 'P-384' : 'P-256' });
  const exported = await raw.export({ publicKey: true, secretKey: true, includeContext: false });
  const controller = options.controller ?? didKeyFromPublicKey(exported.publicKeyMultibase);
  const id = options.id ?? `${controller}#${exported.publicKeyMultibase}`;
  return importKeyPair({
    type: 'Multikey',
    keyType: options.keyType,
    id,
    controller,
    publicKeyMultibase: exported.publicKeyMultibase,
    secretKeyMultibase: exported.secretKeyMultibase,
  });
}

/**
 * Imports a Multikey key pair (public only, or with its secret).
 *
 * @throws {InvalidKeyError} INVALID_KEY when the key material does not decode.
 */
export async function importKeyPair(exported: ExportedKeyPair): Promise<KeyPair> {
  const { keyType, id, controller, publicKeyMultibase, secretKeyMultibase } = exported;
  if (keyType !== 'Ed25519' && keyType !== 'P-256' && keyType !== 'P-384')
    throw new InvalidKeyError(`unsupported key type: ${String(keyType)}`);
  let raw: any;
  try {
    const input: Record<string, unknown> = { type: 'Multikey', id, controller, publicKeyMultibase };
    if (secretKeyMultibase) input.secretKeyMultibase = secretKeyMultibase;
    raw = keyType === 'Ed25519' ? await Ed25519Multikey.from(input) : await EcdsaMultikey.from(input);
  } catch (cause) {
    throw new InvalidKeyError('key material does not decode as a Multikey', { cause });
  }
  return {
    keyType,
    id,
    controller,
    publicKeyMultibase,
    signer(): Signer {
      if (!secretKeyMultibase) throw new InvalidKeyError(`key ${id} has no secret part`);
      const inner = raw.signer() as Signer;
      return keyType === 'Ed25519'
        ? { id, algorithm: inner.algorithm, sign: inner.sign.bind(inner) }
        : lowSSigner(inner, id, keyType === 'P-384' ? p384 : p256);
    },
    export({ includeSecret = false } = {}): ExportedKeyPair {
      const out: ExportedKeyPair = { type: 'Multikey', keyType, id, controller, publicKeyMultibase };
      if (includeSecret && secretKeyMultibase) out.secretKeyMultibase = secretKeyMultibase;
      return out;
    },
  };
}

// WebCrypto signs with either S; @noble/curves (and many HSM verifiers)
// reject high-S. Emitting only low-S keeps our signatures verifiable by all.
function lowSSigner(inner: Signer, id: string, curve: typeof p256 | typeof p384): Signer {
  const order = curve.Point.Fn.ORDER;
  return {
    id,
    algorithm: inner.algorithm,
    async sign({ data }) {
      const bytes = await inner.sign({ data });
      const sig = curve.Signature.fromBytes(bytes, 'compact');
      if (!sig.hasHighS()) return bytes;
      return new curve.Signature(sig.r, order - sig.s).toBytes('compact');
    },
  };
}
