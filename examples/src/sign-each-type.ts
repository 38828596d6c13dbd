import {
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  mandatoryPointersFor,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import { credentialSchemaFor, fixtures, getCredentialType, labelFor, registeredContexts } from '@vneid/schemas';

/**
 * Signs one credential of each built-in type with ecdsa-sd-2023, derives a
 * two-field disclosure and verifies it offline. Returns one line per type.
 */
export async function signEachType(): Promise<
  Array<{ type: string; label: string; verified: boolean; disclosed: string[] }>
> {
  const documentLoader = createDocumentLoader({ contexts: registeredContexts() });
  const issuerKey = await generateKeyPair({ keyType: 'P-256' });
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const out = [];
  for (const type of Object.keys(fixtures) as Array<keyof typeof fixtures>) {
    const credential = {
      '@context': [CREDENTIALS_V2_CONTEXT_URL, getCredentialType(type).contextUrl],
      id: `urn:uuid:${crypto.randomUUID()}`,
      type: ['VerifiableCredential', type],
      issuer: issuerKey.controller,
      validFrom: new Date().toISOString(),
      credentialSchema: credentialSchemaFor(type),
      credentialSubject: { id: holder.controller, ...fixtures[type] },
    };
    const signed = await signCredential({
      credential,
      key: issuerKey,
      cryptosuite: 'ecdsa-sd-2023',
      documentLoader,
      mandatoryPointers: mandatoryPointersFor(credential),
    });
    const disclosed = ['fullName', 'dateOfBirth'];
    const derived = await deriveCredential({
      credential: signed,
      selectivePointers: disclosed.map((f) => `/credentialSubject/${f}`),
      documentLoader,
    });
    const { verified } = await verifyCredentialProof({ credential: derived, documentLoader });
    out.push({ type, label: `${labelFor(type, '', 'vi')} / ${labelFor(type, '', 'en')}`, verified, disclosed });
  }
  return out;
}
