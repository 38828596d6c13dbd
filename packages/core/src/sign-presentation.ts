import * as vc from '@digitalbazaar/vc';
import { CREDENTIALS_V2_CONTEXT_URL } from './contexts.js';
import type { DocumentLoader } from './document-loader.js';
import { fastAnswer } from './fast/door.js';
import type { KeyPair } from './keys.js';
import { toVneidError } from './lib/find-error.js';
import { guardInput } from './lib/input-guards.js';
import type { JsonObject } from './sign-credential.js';
import { createSigningSuite } from './suites.js';

/**
 * Wraps credentials in a VerifiablePresentation signed by the holder's key
 * (eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256), bound to the
 * verifier's `challenge` and `domain`.
 *
 * @throws {VneidError} PROOF_GENERATION_ERROR, CONTEXT_NOT_ALLOWED, JSONLD_SAFE_MODE_ERROR.
 * @see https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations
 */
export async function signPresentation(options: {
  verifiableCredential: JsonObject[];
  holderKey: KeyPair;
  challenge: string;
  domain: string;
  documentLoader: DocumentLoader;
  now?: Date;
  /** Try the fast path (default: unless the environment sets `VNEID_FAST_PATH=0`); `false` forces the library path. */
  fastPath?: boolean;
}): Promise<JsonObject> {
  const { holderKey } = options;
  const presentation: JsonObject = {
    '@context': [CREDENTIALS_V2_CONTEXT_URL],
    type: ['VerifiablePresentation'],
    holder: holderKey.controller,
    verifiableCredential: structuredClone(options.verifiableCredential),
  };
  guardInput('signPresentation', presentation);
  const cryptosuite = holderKey.keyType === 'Ed25519' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019';
  let signed: JsonObject | undefined;
  try {
    signed = await fastAnswer(
      'signRdfc',
      {
        credential: presentation,
        key: holderKey,
        cryptosuite,
        documentLoader: options.documentLoader,
        now: options.now,
        purpose: { term: 'authentication', challenge: options.challenge, domain: options.domain },
      },
      options.fastPath,
    );
  } catch (error) {
    throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the presentation');
  }
  if (signed) return signed;
  const suite = createSigningSuite({ cryptosuite, key: holderKey, date: options.now ?? new Date() });
  try {
    return await vc.signPresentation({
      presentation,
      suite,
      challenge: options.challenge,
      domain: options.domain,
      documentLoader: options.documentLoader,
    });
  } catch (error) {
    throw toVneidError(error, 'PROOF_GENERATION_ERROR', 'could not sign the presentation');
  }
}
