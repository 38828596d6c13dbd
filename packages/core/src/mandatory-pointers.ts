/**
 * Claims an issuer always makes mandatory in ecdsa-sd-2023 credentials: a
 * holder can never hide who issued the document, what it is, when it is
 * valid, where its status is published or whose it is. Issuers include those
 * present in the credential; verifiers refuse a derived credential without them.
 */
export const MANDATORY_POINTERS: readonly string[] = Object.freeze([
  '/issuer',
  '/type',
  '/validFrom',
  '/validUntil',
  '/credentialStatus',
  '/credentialSchema',
  '/credentialSubject/id',
]);
