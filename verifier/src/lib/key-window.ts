import type { ErrorCode } from '@vneid/core';
import type { BundleVerificationMethod } from '../types.js';
import { parseDateTime } from './dates.js';

/**
 * Whether a signature created at `created` falls inside the key's window
 * in the bundle. The data-integrity library never looks at this (TRAPS).
 * `created` is the signer's own claim: a thief holding a compromised key can
 * backdate it, so issuers mark keys compromised from the earliest moment the
 * leak could have happened, and reissue what was signed after it.
 */
export function keyWindowProblem(
  method: BundleVerificationMethod,
  created: unknown,
): { code: ErrorCode; detail: string } | undefined {
  const at = parseDateTime(created);
  if (at === undefined) return { code: 'KEY_NOT_VALID', detail: 'the proof has no valid "created" date' };
  const compromised = parseDateTime(method.compromisedSince);
  if (compromised !== undefined && at >= compromised) {
    return { code: 'KEY_COMPROMISED', detail: `key ${method.id} is compromised since ${method.compromisedSince}` };
  }
  const from = parseDateTime(method.validFrom);
  const until = parseDateTime(method.validUntil);
  if ((from !== undefined && at < from) || (until !== undefined && at >= until)) {
    return { code: 'KEY_NOT_VALID', detail: `key ${method.id} was not valid at ${String(created)}` };
  }
  return undefined;
}
