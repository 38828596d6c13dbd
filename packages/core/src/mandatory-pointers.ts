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

/**
 * The {@link MANDATORY_POINTERS} that exist in `credential`: ecdsa-sd-2023
 * refuses a mandatory pointer that matches nothing (a credential without
 * `validUntil`, or without a holder).
 */
export function mandatoryPointersFor(credential: Record<string, unknown>): string[] {
  return MANDATORY_POINTERS.filter((pointer) => {
    let node: unknown = credential;
    for (const segment of pointer.slice(1).split('/')) {
      if (!node || typeof node !== 'object' || !Object.hasOwn(node, segment)) return false;
      node = (node as Record<string, unknown>)[segment];
    }
    return node !== undefined;
  });
}
