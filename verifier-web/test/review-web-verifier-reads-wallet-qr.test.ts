// The wallet's QR transport (encodePresentationQr) always emits framed CBOR-LD parts, even
// for a single QR; the /verify/ page's decode step refuses every framed part. So the police
// officer's web verifier cannot read any presentation QR the wallet shows.
import {
  createDocumentLoader,
  deriveCredential,
  encodePresentationQr,
  generateKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  selectivePointersFor,
  signPresentation,
} from '@vneid/core';
import { registeredContexts } from '@vneid/schemas';
import test from 'ava';
import { createTestIssuer } from '../../wallet-core/test/helpers/issue.js';
import { decodePayload } from '../src/app/decode-payload.js';

test('the web verifier reads the one-QR presentation the wallet encodes', async (t) => {
  const contexts = registeredContexts() as Map<string, JsonLdContextDocument>;
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const documentLoader = createDocumentLoader({ contexts, resolver: issuer.resolver });
  const vc = await issuer.issue({ type: 'DrivingLicence', holder: holder.controller });
  const derived = await deriveCredential({
    credential: vc,
    selectivePointers: selectivePointersFor(['fullName']),
    documentLoader,
  });
  const presentation = (await signPresentation({
    verifiableCredential: [derived],
    holderKey: holder,
    challenge: 'c0ffee-roadside-0001',
    domain: 'csgt.bocongan.gov.vn',
    documentLoader,
    now: new Date('2026-06-01T08:00:00Z'),
  })) as JsonObject;
  const parts = await encodePresentationQr({ presentation, documentLoader, partCapacity: 2900 });
  t.is(parts.length, 1, 'one QR');
  const decoded = t.notThrows(() => decodePayload(parts[0] as Uint8Array));
  t.truthy(decoded);
});
