import { toVneidError } from '@vneid/core';
import { checkBundle } from './lib/bundle-check.js';
import { CREDENTIAL_CHECKS, checkCredential } from './lib/check-credential.js';
import { assertInputSafe, type CommonVerifyOptions, resolveOptions } from './lib/options.js';
import { ReportBuilder } from './lib/report.js';
import type { VerificationReport } from './types.js';

export type VerifyCredentialOptions = CommonVerifyOptions;

const TARGET = 'credential';
const REFUSED = { en: 'Not checked: the input was refused.', vi: 'Không kiểm tra: dữ liệu đầu vào bị từ chối.' };

/**
 * Verifies one credential entirely offline against a trust bundle and the
 * status cache: input limits, pinned contexts, mandatory claims, proof,
 * issuer trust and authority for the type, key window, validity period,
 * subject schema, revocation and suspension. Returns every check with a
 * bilingual message; never throws for bad data.
 *
 * @example
 * const report = await verifyCredential(vc, { bundle: loaded, statusCache, now: new Date() });
 * if (!report.verified) for (const c of report.checks) if (c.result !== 'valid') console.log(c.check, c.code, c.message.vi);
 * Codes reported: INPUT_LIMIT_EXCEEDED, UNSAFE_JSON, CONTEXT_NOT_ALLOWED, MANDATORY_CLAIM_MISSING,
 * BASE_PROOF_PRESENTED, PROOF_VERIFICATION_ERROR, JSONLD_SAFE_MODE_ERROR, DID_NOT_FOUND, ISSUER_NOT_TRUSTED,
 * ISSUER_NOT_AUTHORIZED, KEY_NOT_VALID, KEY_COMPROMISED, CREDENTIAL_EXPIRED, CREDENTIAL_NOT_YET_VALID,
 * MALFORMED_VALUE_ERROR, SCHEMA_VALIDATION_ERROR, CREDENTIAL_REVOKED, CREDENTIAL_SUSPENDED,
 * STATUS_UNKNOWN, STATUS_VERIFICATION_ERROR, BUNDLE_STALE.
 * @throws {TypeError} only for caller misuse (no loaded bundle, no cache, invalid clock or option).
 * @see https://www.w3.org/TR/vc-data-model-2.0/#verification
 */
export async function verifyCredential(
  credential: unknown,
  options: VerifyCredentialOptions,
): Promise<VerificationReport> {
  const ctx = resolveOptions(options);
  const report = new ReportBuilder(ctx.checks);
  checkBundle(ctx, report);
  try {
    assertInputSafe(credential, ctx.limits);
  } catch (error) {
    const e = toVneidError(error, 'INPUT_LIMIT_EXCEEDED', 'input refused');
    report.invalid(TARGET, 'proof', e.code, e.message);
    report.skipRest(TARGET, CREDENTIAL_CHECKS, REFUSED);
    return report.finish(ctx.onUnknown);
  }
  try {
    await checkCredential(credential, TARGET, ctx, report);
  } catch (error) {
    // A dependency failing on input we did not foresee is still a report, not a throw.
    const e = toVneidError(error, 'PROOF_VERIFICATION_ERROR', 'verification failed');
    report.invalid(TARGET, 'proof', e.code, e.message);
    report.skipRest(TARGET, CREDENTIAL_CHECKS, REFUSED);
  }
  return report.finish(ctx.onUnknown);
}
