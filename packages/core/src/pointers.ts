import { InputLimitError, VneidError } from './errors.js';

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_POINTERS = 64;
const MAX_POINTER_LENGTH = 256;

/**
 * Validates JSON pointers that arrive from outside (a verifier's request,
 * an API caller's mandatory pointers). di-sd-primitives' `selectJsonLd`
 * walks them with plain property access, so `/__proto__/x` on a document
 * with a `"__proto__"` key would write into `Object.prototype`.
 *
 * @throws {VneidError} UNSAFE_POINTER for a malformed or prototype-reaching pointer.
 * @throws {InputLimitError} INPUT_LIMIT_EXCEEDED for too many or too long pointers.
 */
export function assertSafePointers(pointers: unknown): asserts pointers is string[] {
  if (!Array.isArray(pointers)) throw new TypeError('pointers must be an array of JSON pointer strings');
  if (pointers.length > MAX_POINTERS) throw new InputLimitError(`more than ${MAX_POINTERS} pointers`);
  for (const p of pointers) {
    if (typeof p !== 'string' || !p.startsWith('/') || p.length > MAX_POINTER_LENGTH) {
      throw new VneidError('UNSAFE_POINTER', 'a pointer must be a JSON pointer string starting with "/"', {
        details: { pointer: typeof p === 'string' ? p.slice(0, 80) : typeof p },
      });
    }
    for (const segment of p.slice(1).split('/')) {
      const decoded = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      if (FORBIDDEN_SEGMENTS.has(decoded) || /~(?![01])/.test(segment)) {
        throw new VneidError('UNSAFE_POINTER', `pointer segment "${decoded.slice(0, 40)}" is not allowed`, {
          details: { pointer: p.slice(0, 80) },
        });
      }
    }
  }
}
