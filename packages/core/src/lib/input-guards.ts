import { assertSafePointers } from '../pointers.js';
import { assertSafeJson, type JsonLimits } from '../safe-json.js';
import { assertSdSafeValues } from '../sd-value-guard.js';

// Watchers of guard runs, for the test that holds each operation to one run
// (`observeInputGuards` in the private `@vneid/core/testing` entry). Empty in
// production: one length check per operation.
const observers = new Set<(operation: string) => void>();

/**
 * The input guards of an operation, run once before either path: safe JSON
 * (prototype keys, depth, sizes), for ecdsa-sd-2023 the values the library
 * would mishandle, and hostile JSON pointers.
 *
 * @throws {VneidError} UNSAFE_JSON, INPUT_LIMIT_EXCEEDED, UNSAFE_POINTER.
 */
export function guardInput(
  operation: string,
  document: unknown,
  options: { limits?: Partial<JsonLimits> | undefined; sd?: boolean; pointers?: string[] | undefined } = {},
): void {
  if (observers.size > 0) for (const observe of observers) observe(operation);
  assertSafeJson(document, options.limits);
  if (options.sd) assertSdSafeValues(document);
  if (options.pointers) assertSafePointers(options.pointers);
}

/** Calls `observer` with the operation's name at each guard run; returns the function that stops it. */
export function observeInputGuards(observer: (operation: string) => void): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}
