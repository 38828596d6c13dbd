import { assertSafePointers, InputLimitError, type JsonObject, UnsafeJsonError } from '@vneid/core';

const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * Refuses a request whose field names would become prototype-reaching
 * pointers, before anything else reads it. The core's request parser would
 * refuse them too, but as generic malformed input; a verifier that sends
 * `__proto__` is attacking, and the wallet says so with UNSAFE_POINTER.
 * Only own keys are read, and nothing is copied or merged.
 *
 * @throws {VneidError} UNSAFE_POINTER
 */
export function assertNoHostileFields(request: unknown): void {
  if (!request || typeof request !== 'object') return;
  const query = (request as JsonObject).query;
  if (!Array.isArray(query)) return;
  for (const q of query.slice(0, 64)) {
    const cq = q && typeof q === 'object' ? (q as JsonObject).credentialQuery : undefined;
    for (const one of (Array.isArray(cq) ? cq : [cq]).slice(0, 64)) {
      const example = one && typeof one === 'object' ? (one as JsonObject).example : undefined;
      const subject = example && typeof example === 'object' ? (example as JsonObject).credentialSubject : undefined;
      if (!subject || typeof subject !== 'object') continue;
      // The pointers exactly as a naive wallet would build them from the names.
      assertSafePointers(Object.keys(subject).map((name) => `/credentialSubject/${name}`));
    }
  }
}

/**
 * A request given as JSON text, parsed with the core's size bound; the other
 * limits and the prototype-key walk run after {@link assertNoHostileFields},
 * which names a hostile field more precisely. `JSON.parse` makes a
 * `"__proto__"` key an own property, never the prototype.
 *
 * @throws {VneidError} INPUT_LIMIT_EXCEEDED, UNSAFE_JSON
 */
export function requestFromText(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  if (Buffer.byteLength(input, 'utf8') > MAX_REQUEST_BYTES) {
    throw new InputLimitError(`presentation request larger than ${MAX_REQUEST_BYTES} bytes`);
  }
  try {
    return JSON.parse(input) as unknown;
  } catch (cause) {
    throw new UnsafeJsonError('presentation request is not valid JSON', { cause });
  }
}
