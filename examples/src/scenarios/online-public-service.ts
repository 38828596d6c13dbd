import { fixtures } from '@vneid/schemas';
import type { VerificationReport } from '@vneid/verifier';
import { onlineVerifiedStep, presentOnline } from '../lib/oid4vp-steps.js';
import { runIfMain } from '../lib/print.js';
import { endOfDayInVietnam, info, ScenarioError, type StepLog, t } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 8. */
export const title = t(
  'Cổng dịch vụ công điền hồ sơ từ giấy tờ trong ví (OpenID4VP)',
  'Public service portal fills an application from the wallet (OpenID4VP)',
);

const PORTAL = t('Cổng Dịch vụ công quốc gia', 'National Public Service Portal');
const CITIZEN = t('Công dân', 'Citizen');

/** The application for unemployment benefit, as the portal fills it. */
export interface BenefitApplication {
  fullName: unknown;
  personalIdentificationNumber: unknown;
  dateOfBirth: unknown;
  sex: unknown;
  placeOfResidence: unknown;
  socialInsuranceNumber: unknown;
}

/** The form filled from verified claims only: what the state already issued is not typed or uploaded again. */
export function fillApplication(report: VerificationReport): BenefitApplication {
  const claim = (type: string, field: string) =>
    report.credentials.find((c) => c.type === type)?.claims.find((c) => c.field === field)?.value;
  return {
    fullName: claim('CitizenIdentityCard', 'fullName'),
    personalIdentificationNumber: claim('CitizenIdentityCard', 'personalIdentificationNumber'),
    dateOfBirth: claim('CitizenIdentityCard', 'dateOfBirth'),
    sex: claim('CitizenIdentityCard', 'sex'),
    placeOfResidence: claim('CitizenIdentityCard', 'placeOfResidence'),
    socialInsuranceNumber: claim('HealthInsuranceCard', 'socialInsuranceNumber'),
  };
}

/**
 * “Provide information once” (Directive 33): applying for unemployment
 * benefit, the citizen does not type her identity or upload scans; the portal
 * asks her wallet (OpenID4VP QR on the portal's page) for five identity-card
 * fields and the social insurance number, and fills the application from the
 * verified answer. A second request, for a procedure she did not start, she
 * declines: the portal is told `access_denied` and receives nothing.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  await world.issueToWallet('police', 'CitizenIdentityCard', fixtures.CitizenIdentityCard, {
    validUntil: endOfDayInVietnam(fixtures.CitizenIdentityCard.dateOfExpiry),
  });
  await world.issueToWallet('socialSecurity', 'HealthInsuranceCard', fixtures.HealthInsuranceCard, {
    validUntil: endOfDayInVietnam(fixtures.HealthInsuranceCard.coverageTo),
  });
  steps.push(
    info(
      t('Bộ Công an, BHXH Việt Nam', 'Ministry of Public Security, Vietnam Social Security'),
      t('Cấp thẻ căn cước và thẻ BHYT vào ví', 'Issue the identity card and the health insurance card'),
    ),
  );
  await world.syncStatus();

  const round = await presentOnline(world, 'agency', [
    {
      type: 'CitizenIdentityCard',
      fields: ['fullName', 'personalIdentificationNumber', 'dateOfBirth', 'sex', 'placeOfResidence'],
      reason: 'Hồ sơ đề nghị hưởng trợ cấp thất nghiệp',
    },
    { type: 'HealthInsuranceCard', fields: ['socialInsuranceNumber'], reason: 'Mã số BHXH của người lao động' },
  ]);
  const step = onlineVerifiedStep(
    PORTAL,
    t(
      'Hồ sơ trợ cấp thất nghiệp: điền từ thẻ căn cước và thẻ BHYT trong ví, công dân không phải nhập hay tải lên',
      'Unemployment benefit application: filled from the identity and health insurance cards, nothing typed or uploaded',
    ),
    round,
  );
  const form = fillApplication(round.outcome.report!);
  const missing = Object.entries(form).filter(([, v]) => v === undefined);
  if (missing.length > 0) throw new ScenarioError(`the application lacks ${missing.map(([k]) => k).join(', ')}`);
  steps.push(step);

  const { verifier } = await world.onlineVerifier('agency');
  const other = await verifier.createRequest({
    queries: [{ type: 'CitizenIdentityCard', fields: ['placeOfResidence'], reason: 'Đăng ký thường trú' }],
  });
  const shown = await world.wallet.previewAuthorizationRequest(other.link);
  const { verifier: told } = await world.wallet.declineAuthorizationRequest(shown.id);
  const outcome = await verifier.outcome(other.id);
  if (!told.accepted || outcome.status !== 'refused' || outcome.report) {
    throw new ScenarioError('the refusal did not reach the portal as a refusal');
  }
  steps.push({
    actor: CITIZEN,
    action: t('Từ chối một yêu cầu thứ hai mà mình không khởi tạo', 'Declines a second request she did not start'),
    outcome: 'refused',
    codes: outcome.codes,
    reason: t(
      'Cổng nhận “access_denied”, không nhận dữ liệu nào',
      'The portal is told “access_denied” and gets no data',
    ),
  });
  return steps;
}

await runIfMain(import.meta.url, title, run);
