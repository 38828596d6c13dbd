import type { ErrorCode } from '@vneid/core';
import type {
  BilingualText,
  Check,
  CheckName,
  CheckResult,
  DisclosedCredential,
  UnknownPolicy,
  VerificationReport,
} from '../types.js';
import { messageFor } from './messages.js';

/** Collects checks as they run; `finish` turns them into a report. */
export class ReportBuilder {
  readonly checks: Check[] = [];
  readonly credentials: DisclosedCredential[] = [];
  /** Technical detail per failing check (English), for `errors[].message`. */
  private readonly details = new Map<Check, string>();

  constructor(private readonly enabled: ReadonlySet<CheckName> | undefined) {}

  /** True when the caller asked for this check (all are asked for by default). */
  wants(check: CheckName): boolean {
    return this.enabled === undefined || this.enabled.has(check);
  }

  add(
    target: string,
    check: CheckName,
    result: CheckResult,
    code?: ErrorCode,
    detail?: string,
    message?: BilingualText,
  ): Check {
    const entry: Check = { check, result, message: message ?? messageFor(check, result, code), target };
    if (code !== undefined) entry.code = code;
    this.checks.push(entry);
    if (detail !== undefined) this.details.set(entry, detail);
    return entry;
  }

  valid(target: string, check: CheckName): Check {
    return this.add(target, check, 'valid');
  }

  invalid(target: string, check: CheckName, code: ErrorCode, detail?: string): Check {
    return this.add(target, check, 'invalid', code, detail);
  }

  unknown(target: string, check: CheckName, code: ErrorCode, detail?: string): Check {
    return this.add(target, check, 'unknown', code, detail);
  }

  skipped(target: string, check: CheckName, why?: BilingualText): Check {
    return this.add(target, check, 'skipped', undefined, undefined, why);
  }

  /** Marks every named check not yet reported for `target` as skipped (after a fatal failure). */
  skipRest(target: string, names: readonly CheckName[], why?: BilingualText): void {
    for (const name of names) {
      if (!this.checks.some((c) => c.target === target && c.check === name)) this.skipped(target, name, why);
    }
  }

  /**
   * Claims are kept when the only doubt is stale data (status `unknown`), so the
   * person checking sees what they are asked to trust; never when a check failed.
   */
  finish(onUnknown: UnknownPolicy): VerificationReport {
    const errors: VerificationReport['errors'] = [];
    const warnings: VerificationReport['warnings'] = [];
    let invalid = false;
    let unknown = false;
    for (const c of this.checks) {
      if (c.result !== 'invalid' && c.result !== 'unknown') continue;
      const item = { code: c.code ?? 'PROOF_VERIFICATION_ERROR', message: this.details.get(c) ?? c.message.en };
      if (c.result === 'invalid') {
        invalid = true;
        errors.push(item);
      } else {
        unknown = true;
        (onUnknown === 'warn' ? warnings : errors).push(item);
      }
    }
    // Defence in depth: nothing is verified whose proofs did not all run and pass.
    const proofs = this.checks.filter((c) => c.check === 'proof');
    if (proofs.length === 0 || proofs.some((c) => c.result !== 'valid')) invalid = true;
    const status = invalid ? 'not-verified' : unknown ? 'unknown' : 'verified';
    const verified = !invalid && (!unknown || onUnknown === 'warn');
    return { verified, status, checks: this.checks, errors, warnings, credentials: invalid ? [] : this.credentials };
  }
}
