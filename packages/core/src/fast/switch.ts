// The one switch of the fast path: an option on each operation, else the
// environment variable VNEID_FAST_PATH (`0` turns it off process-wide), read
// at call time. Off, every operation takes the plain library path — the
// reference the fast path is held to, and the way out if it ever disagrees.

/** Whether an operation may try the fast path: `option` when given, else `VNEID_FAST_PATH !== '0'`. */
export function fastPathEnabled(option: boolean | undefined): boolean {
  if (option !== undefined) return option;
  // Browsers have no `process` (the web verifier bundles this): there the fast path is on unless an option says no.
  return globalThis.process?.env?.VNEID_FAST_PATH !== '0';
}
