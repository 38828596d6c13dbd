/** Escapes one reference token (RFC 6901 §3). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `/licenceClasses/0/licenceClass` → `/licenceClasses/licenceClass`: labels are per field, not per item. */
export function stripIndices(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, '');
}
