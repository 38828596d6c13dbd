import { fixtures } from '@vneid/schemas';
import { ageAttestationFor } from '../lib/age.js';
import { onlineVerifiedStep, presentOnline } from '../lib/oid4vp-steps.js';
import { runIfMain } from '../lib/print.js';
import { endOfDayInVietnam, info, type StepLog, t, walletRefusal } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 7. */
export const title = t(
  'Mạng xã hội xác minh danh tính và độ tuổi trực tuyến (OpenID4VP)',
  'Social network: verified name and age online (OpenID4VP)',
);

const PLATFORM = t('Mạng xã hội ABC', 'ABC Social');

/**
 * Sign-up for an identity-verified account (the 2026 programme of verified
 * accounts; Directive 57 on age): on the phone itself, the platform's link
 * opens the wallet, which shows the request — “over 16?” and the full name,
 * nothing else — and answers with the citizen's consent. Asking for the date
 * of birth is beyond the platform's registration: its own verifier library
 * refuses to make such a request.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  await world.issueToWallet('police', 'CitizenIdentityCard', fixtures.CitizenIdentityCard, {
    validUntil: endOfDayInVietnam(fixtures.CitizenIdentityCard.dateOfExpiry),
  });
  const validFrom = new Date(Math.floor(world.clock.now().getTime() / 1000) * 1000);
  const { subject, validUntil } = ageAttestationFor(fixtures.CitizenIdentityCard.dateOfBirth, validFrom);
  await world.issueToWallet(
    'police',
    'AgeAttestation',
    { ...subject },
    {
      validFrom: validFrom.toISOString(),
      validUntil: validUntil.toISOString(),
    },
  );
  steps.push(
    info(
      t('Bộ Công an', 'Ministry of Public Security'),
      t('Cấp thẻ căn cước và chứng nhận độ tuổi vào ví', 'Issues the identity card and an age attestation'),
    ),
  );
  await world.syncStatus();

  const round = await presentOnline(world, 'social', [
    { type: 'AgeAttestation', fields: ['ageOver16'], reason: 'Đăng ký tài khoản: người dùng phải đủ 16 tuổi' },
    { type: 'CitizenIdentityCard', fields: ['fullName'], reason: 'Tài khoản định danh: tên thật' },
  ]);
  steps.push(
    onlineVerifiedStep(
      PLATFORM,
      t(
        'Mở ví bằng liên kết trên cùng điện thoại; hỏi “đủ 16 tuổi?” và họ tên — không số định danh, không ngày sinh',
        'Opens the wallet by a link on the same phone; asks “over 16?” and the full name — no ID number, no birth date',
      ),
      round,
    ),
  );

  const { verifier } = await world.onlineVerifier('social');
  steps.push(
    await walletRefusal(
      PLATFORM,
      t('Muốn hỏi thêm ngày sinh', 'Wants the date of birth as well'),
      () =>
        verifier.createRequest({
          queries: [{ type: 'CitizenIdentityCard', fields: ['fullName', 'dateOfBirth'], reason: 'Hồ sơ' }],
        }),
      'FIELDS_NOT_REGISTERED',
      t(
        'Thư viện xác minh không tạo yêu cầu vượt quá đăng ký của nền tảng',
        'The verifier library makes no request beyond the platform’s registration',
      ),
    ),
  );
  return steps;
}

await runIfMain(import.meta.url, title, run);
