import { UnsafeJsonError } from './errors.js';

// di-sd-primitives 3.3 relabels blank nodes with a regex over whole N-Quad
// lines (`/(_:([^\s]+))/g`, and `<urn:bnid:…>` when skolemizing), so the
// same text inside a string value is rewritten too: a derived credential's
// "… _:c14n0" can be changed to "_:anything" and still verify, and a genuine
// value containing "_:c14n0 " never verifies. Until the library escapes
// literals, ecdsa-sd-2023 documents must not carry these patterns at all.
const BLANK_NODE_LOOKALIKE = /_:|urn:bnid:/;

/**
 * Refuses an ecdsa-sd-2023 document (its proof aside) with a string value
 * the library would mistake for a blank node label.
 *
 * @throws {UnsafeJsonError} UNSAFE_JSON naming the value's JSON pointer.
 */
export function assertSdSafeValues(document: unknown): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: document, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (BLANK_NODE_LOOKALIKE.test(value)) {
        throw new UnsafeJsonError(`ecdsa-sd-2023 cannot carry "_:" or "urn:bnid:" inside a value (at ${path || '/'})`, {
          details: { pointer: path, reason: 'blank-node-lookalike' },
        });
      }
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (path === '' && key === 'proof') continue;
        stack.push({ value: item, path: `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}` });
      }
    }
  }
}
