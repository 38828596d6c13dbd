/**
 * @vneid/core/testing — the library-only reference paths ("oracles") that
 * tests and `pnpm bench` hold the fast path to. Private: not re-exported from
 * the package index, not for applications (they skip nothing, and are slow).
 *
 * @packageDocumentation
 */
export { canonizeWithLibrary } from './canonize.js';
export { observeInputGuards } from './lib/input-guards.js';
export { deriveCredentialWithLibrary, signCredentialWithLibrary } from './sign-credential.js';
export { verifyCredentialProofWithLibrary } from './verify-proof.js';
