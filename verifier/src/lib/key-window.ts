import type { ErrorCode } from '@vneid/core';
import type { BundleVerificationMethod } from '../types.js';
import { parseDateTime } from './dates.js';

/**
 * Whether a signature by `method` is acceptable, given the proof's `created`.
 * The data-integrity library never looks at this (TRAPS).
 *
 * The rule for a compromised key: `created` is written by whoever holds the
 * private key, so once a thief holds it, any date inside a signature — before
 * `compromisedSince` or not — proves nothing. Nothing else in a credential or
 * a status list is outside the signer's choice either (ids, dates and status
 * indexes are all signed by the same key), so a key that carries
 * `compromisedSince` vouches for nothing at all: every credential and status
 * list it signed is refused with KEY_COMPROMISED, and the issuer re-issues
 * them (and re-signs its lists) with a fresh key. `compromisedSince` stays in
 * the bundle as the record of when the leak began.
 *
 * A retired key (`validUntil`) or one not yet in service (`validFrom`) is
 * different: its holder still controls it, so its `created` is honest and the
 * window is checked against it.
 */
export function keyWindowProblem(
  method: BundleVerificationMethod,
  created: unknown,
): { code: ErrorCode; detail: string } | undefined {
  if (method.compromisedSince !== undefined) {
    return {
      code: 'KEY_COMPROMISED',
      detail: `key ${method.id} is compromised since ${method.compromisedSince}: no signature of it is accepted, whatever its date`,
    };
  }
  const at = parseDateTime(created);
  if (at === undefined) return { code: 'KEY_NOT_VALID', detail: 'the proof has no valid "created" date' };
  const from = parseDateTime(method.validFrom);
  const until = parseDateTime(method.validUntil);
  if ((from !== undefined && at < from) || (until !== undefined && at >= until)) {
    return { code: 'KEY_NOT_VALID', detail: `key ${method.id} was not valid at ${String(created)}` };
  }
  return undefined;
}
