// di-sd-primitives relabels blank nodes with a regex over whole N-Quad lines,
// so `_:c14n0` or `<urn:bnid:…>` inside a string value is rewritten too.
// The library defect is tested here directly, with the plain library (these
// tests fail, and must then be revisited, the day the library is fixed), and
// our refusal of such values separately.
import * as vc from '@digitalbazaar/vc';
import test from 'ava';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDerivingSuite,
  createDocumentLoader,
  createSigningSuite,
  createVerifyingSuites,
  deriveCredential,
  generateKeyPair,
  type JsonObject,
  signCredential,
  verifyCredentialProof,
} from '../src/index.js';
import { signCredentialWithLibrary } from '../src/testing.js';

const documentLoader = createDocumentLoader();
const context = [CREDENTIALS_V2_CONTEXT_URL, { '@vocab': 'https://test.vneid.example/lookalike#' }];

function card(issuer: string, facilityName: string): JsonObject {
  return {
    '@context': context,
    type: ['VerifiableCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { facility: { facilityName }, other: 'kept hidden' },
  };
}

// Plain library only: vc.issue with the sd suite, vc.derive, vc.verifyCredential.
async function libraryDerived(facilityName: string): Promise<JsonObject> {
  const key = await generateKeyPair({ keyType: 'P-256' });
  const signed = await vc.issue({
    credential: card(key.controller, facilityName),
    suite: createSigningSuite({ cryptosuite: 'ecdsa-sd-2023', key, mandatoryPointers: ['/issuer'] }),
    documentLoader,
  });
  return vc.derive({
    verifiableCredential: signed,
    suite: createDerivingSuite({ selectivePointers: ['/credentialSubject/facility'] }),
    documentLoader,
  });
}

async function libraryVerifies(credential: JsonObject): Promise<boolean> {
  const result = await vc.verifyCredential({
    credential,
    suite: createVerifyingSuites(),
    documentLoader,
    checkStatus: async () => ({ verified: true }),
  });
  return result.verified === true;
}

test('library defect: a genuine value containing `_:c14n0 ` or `<urn:bnid:…>` never verifies', async (t) => {
  t.false(await libraryVerifies(await libraryDerived('Trạm _:c14n0 Hà Nội')));
  t.false(await libraryVerifies(await libraryDerived('Trạm <urn:bnid:b0> Hà Nội')));
  t.true(await libraryVerifies(await libraryDerived('Trạm Hà Nội')), 'the same value without the token verifies');
});

for (const value of ['Trạm y tế _:c14n0', 'Trạm _:c14n0 Hà Nội', 'Trạm <urn:bnid:b0> Hà Nội']) {
  test(`we refuse to sign, derive or verify an ecdsa-sd-2023 document carrying ${JSON.stringify(value)}`, async (t) => {
    const key = await generateKeyPair({ keyType: 'P-256' });
    const credential = card(key.controller, value);
    const options = {
      credential,
      key,
      cryptosuite: 'ecdsa-sd-2023' as const,
      documentLoader,
      mandatoryPointers: ['/issuer'],
    };
    for (const sign of [signCredential, signCredentialWithLibrary]) {
      const error = await t.throwsAsync(sign(options));
      t.is((error as { code?: string }).code, 'UNSAFE_JSON');
      t.is((error as { details?: { pointer?: string } }).details?.pointer, '/credentialSubject/facility/facilityName');
    }
    const derived = await libraryDerived(value);
    const base = await vc.issue({
      credential,
      suite: createSigningSuite({ cryptosuite: 'ecdsa-sd-2023', key, mandatoryPointers: ['/issuer'] }),
      documentLoader,
    });
    const error = await t.throwsAsync(
      deriveCredential({ credential: base, selectivePointers: ['/credentialSubject/facility'], documentLoader }),
    );
    t.is((error as { code?: string }).code, 'UNSAFE_JSON');
    const result = await verifyCredentialProof({ credential: derived, documentLoader });
    t.false(result.verified);
    t.is(result.error?.code, 'UNSAFE_JSON');
    // Negative twin: the same document without the token is signed.
    const clean = await signCredential({ ...options, credential: card(key.controller, 'Trạm Hà Nội') });
    t.truthy(clean.proof);
  });
}
