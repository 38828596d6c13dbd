import type { ErrorCode, JsonObject } from '@vneid/core';
import type { BilingualText, CheckName, VerificationReport } from '@vneid/verifier';

/** One step of a scenario, as the demo prints it and the tests read it. */
export interface StepLog {
  /** Who acts or asks. */
  actor: BilingualText;
  /** What happens. */
  action: BilingualText;
  /** `ok`: accepted / verified; `refused`: rejected with `codes`; `info`: a setup or background step. */
  outcome: 'ok' | 'refused' | 'info';
  /** Claims the verifier saw, with their labels. */
  disclosed?: Array<{ document: BilingualText; label: BilingualText; value: unknown }>;
  /** Every error code of the refusal, in report order, without duplicates. */
  codes?: ErrorCode[];
  /** Why it was refused, for people. */
  reason?: BilingualText;
  /** The full verification report, when a verifier ran. */
  report?: VerificationReport;
  /** What the wallet sent, when it sent something. */
  presentation?: JsonObject;
}

/** A scenario did not behave as documented (a verification that should pass failed, or the wrong code came back). */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Shorthand for a bilingual text. */
export function t(vi: string, en: string): BilingualText {
  return { vi, en };
}

/** An informational step. */
export function info(actor: BilingualText, action: BilingualText): StepLog {
  return { actor, action, outcome: 'info' };
}

function disclosedOf(report: VerificationReport): NonNullable<StepLog['disclosed']> {
  return report.credentials.flatMap((c) =>
    c.claims.map((claim) => ({ document: labelOfType(c.type), label: claim.label, value: claim.value })),
  );
}

/** The validity window of each credential in a presentation: always disclosed (a mandatory claim). */
function validityOf(presentation: JsonObject): NonNullable<StepLog['disclosed']> {
  const list = presentation.verifiableCredential;
  const credentials = (Array.isArray(list) ? list : [list]) as JsonObject[];
  return credentials.map((vc) => {
    const types = (Array.isArray(vc.type) ? vc.type : [vc.type]) as string[];
    const type = types.find((x) => x !== 'VerifiableCredential') ?? 'VerifiableCredential';
    return {
      document: labelOfType(type),
      label: t('Thời hạn hiệu lực', 'Validity'),
      value: `${String(vc.validFrom)} → ${String(vc.validUntil)}`,
    };
  });
}

const TYPE_LABELS: Record<string, BilingualText> = {
  CitizenIdentityCard: t('Thẻ căn cước', 'Citizen identity card'),
  DrivingLicence: t('Giấy phép lái xe', 'Driving licence'),
  UniversityDegree: t('Văn bằng', 'University degree'),
  HealthInsuranceCard: t('Thẻ bảo hiểm y tế', 'Health insurance card'),
  AgeAttestation: t('Chứng nhận độ tuổi', 'Age attestation'),
};

function labelOfType(type: string): BilingualText {
  return TYPE_LABELS[type] ?? t(type, type);
}

/** A step whose presentation must verify; throws {@link ScenarioError} with the report's codes otherwise. */
export function verifiedStep(
  actor: BilingualText,
  action: BilingualText,
  report: VerificationReport,
  presentation: JsonObject,
): StepLog {
  if (!report.verified) {
    throw new ScenarioError(
      `${action.en}: expected verified, got ${report.status} (${report.errors.map((e) => e.code).join(', ')})`,
    );
  }
  return {
    actor,
    action,
    outcome: 'ok',
    disclosed: [...validityOf(presentation), ...disclosedOf(report)],
    report,
    presentation,
  };
}

/**
 * A step whose presentation must be refused, with each expected check invalid
 * and carrying exactly its expected code; throws {@link ScenarioError} otherwise.
 */
export function refusedStep(
  actor: BilingualText,
  action: BilingualText,
  report: VerificationReport,
  expected: Array<{ check: CheckName; code: ErrorCode }>,
  reason: BilingualText,
  presentation?: JsonObject,
): StepLog {
  if (report.verified) throw new ScenarioError(`${action.en}: expected a refusal, but it verified`);
  for (const { check, code } of expected) {
    const hit = report.checks.find((c) => c.check === check && c.result === 'invalid' && c.code === code);
    if (!hit) {
      const seen = report.checks.filter((c) => c.check === check).map((c) => `${c.result}:${c.code ?? '-'}`);
      throw new ScenarioError(
        `${action.en}: expected ${check} invalid with ${code}, got ${seen.join(', ') || 'nothing'}`,
      );
    }
  }
  return {
    actor,
    action,
    outcome: 'refused',
    codes: [...new Set(report.errors.map((e) => e.code))],
    reason,
    report,
    ...(presentation ? { presentation } : {}),
    ...(report.credentials.length > 0 ? { disclosed: disclosedOf(report) } : {}),
  };
}

/** A step where the wallet itself refuses (nothing is sent); throws {@link ScenarioError} unless it fails with `code`. */
export async function walletRefusal(
  actor: BilingualText,
  action: BilingualText,
  attempt: () => Promise<unknown>,
  code: ErrorCode,
  reason: BilingualText,
): Promise<StepLog> {
  try {
    await attempt();
  } catch (error) {
    if ((error as { code?: unknown }).code === code)
      return { actor, action, outcome: 'refused', codes: [code], reason };
    throw error;
  }
  throw new ScenarioError(`${action.en}: expected the wallet to refuse with ${code}`);
}

/** A QueryByExample request for some fields of some document types. */
export function requestFor(
  queries: Array<{ type: string; fields: string[]; reason: string }>,
  challenge: string,
  domain: string,
) {
  return {
    query: queries.map((q) => ({
      type: 'QueryByExample' as const,
      credentialQuery: {
        reason: q.reason,
        example: { type: q.type, credentialSubject: Object.fromEntries(q.fields.map((f) => [f, ''])) },
      },
    })),
    challenge,
    domain,
  };
}

/** The instant a date printed on a card ends: midnight, Vietnam time (UTC+7), of the next day. */
export function endOfDayInVietnam(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return `${next.toISOString().slice(0, 10)}T00:00:00+07:00`;
}

/** Today's date in Vietnam (YYYY-MM-DD), `days` ahead. */
export function vietnamDate(now: Date, days = 0): string {
  return new Date(now.getTime() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
