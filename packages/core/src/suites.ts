import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {
  createDiscloseCryptosuite,
  createSignCryptosuite,
  createVerifyCryptosuite,
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite,
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { InvalidKeyError } from './errors.js';
import type { KeyPair, KeyType } from './keys.js';

/** The Data Integrity cryptosuites this project signs and verifies. */
export const CRYPTOSUITES = ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019', 'ecdsa-sd-2023', 'eddsa-jcs-2022'] as const;
export type CryptosuiteName = (typeof CRYPTOSUITES)[number];

/** Which key type each cryptosuite signs with by default. */
export const KEY_TYPE_OF_SUITE: Readonly<Record<CryptosuiteName, KeyType>> = {
  'eddsa-rdfc-2022': 'Ed25519',
  'ecdsa-rdfc-2019': 'P-256',
  'ecdsa-sd-2023': 'P-256',
  'eddsa-jcs-2022': 'Ed25519',
};

/** Every key type a cryptosuite can sign with (vc-di-ecdsa: ecdsa-rdfc-2019 with P-256/SHA-256 or P-384/SHA-384). */
export const KEY_TYPES_OF_SUITE: Readonly<Record<CryptosuiteName, readonly KeyType[]>> = {
  'eddsa-rdfc-2022': ['Ed25519'],
  'ecdsa-rdfc-2019': ['P-256', 'P-384'],
  'ecdsa-sd-2023': ['P-256'],
  'eddsa-jcs-2022': ['Ed25519'],
};

/** True for a supported cryptosuite name. */
export function isCryptosuiteName(value: unknown): value is CryptosuiteName {
  return typeof value === 'string' && (CRYPTOSUITES as readonly string[]).includes(value);
}

/**
 * A suite that signs with `key`. For ecdsa-sd-2023, `mandatoryPointers` are
 * the claims every derived credential must keep.
 *
 * @throws {InvalidKeyError} INVALID_KEY when the key does not fit the suite.
 */
export function createSigningSuite(options: {
  cryptosuite: CryptosuiteName;
  key: KeyPair;
  date?: Date;
  mandatoryPointers?: string[];
}): unknown {
  const { cryptosuite, key } = options;
  if (!KEY_TYPES_OF_SUITE[cryptosuite]?.includes(key.keyType)) {
    throw new InvalidKeyError(
      `${cryptosuite} needs a ${KEY_TYPES_OF_SUITE[cryptosuite]?.join(' or ')} key, got ${key.keyType}`,
    );
  }
  const suite =
    cryptosuite === 'eddsa-rdfc-2022'
      ? eddsaRdfc2022
      : cryptosuite === 'ecdsa-rdfc-2019'
        ? ecdsaRdfc2019
        : cryptosuite === 'eddsa-jcs-2022'
          ? createJcsSignCryptosuite()
          : createSignCryptosuite({ mandatoryPointers: options.mandatoryPointers ?? [] });
  return new DataIntegrityProof({ signer: key.signer(), date: options.date, cryptosuite: suite });
}

/** A suite that derives a selective-disclosure ecdsa-sd-2023 proof revealing `selectivePointers`. */
export function createDerivingSuite(options: { selectivePointers: string[] }): unknown {
  return new DataIntegrityProof({
    cryptosuite: createDiscloseCryptosuite({ selectivePointers: options.selectivePointers }),
  });
}

/** One verifying suite per supported cryptosuite; ecdsa-sd-2023 verifies derived proofs only. */
export function createVerifyingSuites(): unknown[] {
  return [
    new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    new DataIntegrityProof({ cryptosuite: ecdsaRdfc2019 }),
    new DataIntegrityProof({ cryptosuite: createVerifyCryptosuite() }),
    new DataIntegrityProof({ cryptosuite: createJcsVerifyCryptosuite() }),
  ];
}
