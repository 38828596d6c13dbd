import { fixtures } from '@vneid/schemas';
import { ageAttestationFor } from '../lib/age.js';
import { runIfMain } from '../lib/print.js';
import { info, refusedStep, requestFor, type StepLog, t, verifiedStep } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 5. */
export const title = t('Mạng xã hội xác minh độ tuổi khi đăng ký', 'Social network sign-up: age check');

const PLATFORM = t('Mạng xã hội', 'Social network');
const DOMAIN = 'mangxahoi.example.vn';

/**
 * Sign-up under the 2026 programme of identity-verified accounts: the
 * platform learns that the user is over 16, bound to its challenge, and
 * nothing else. The Ministry of Public Security issues a short-lived
 * AgeAttestation computed from the identity card's date of birth.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
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
      t(
        `Cấp chứng nhận độ tuổi từ ngày sinh trên thẻ căn cước, hiệu lực đến ${validUntil.toISOString()}`,
        `Issues an age attestation from the identity card’s date of birth, valid until ${validUntil.toISOString()}`,
      ),
    ),
  );
  await world.syncStatus();

  const platform = world.verifier(DOMAIN);
  const challenge = platform.challenges.issue();
  const request = requestFor(
    [{ type: 'AgeAttestation', fields: ['ageOver16'], reason: 'Đăng ký tài khoản: người dùng phải đủ 16 tuổi' }],
    challenge,
    DOMAIN,
  );
  const { presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent);
  steps.push(
    verifiedStep(
      PLATFORM,
      t(
        'Hỏi duy nhất: “đủ 16 tuổi?” — không tên, không số định danh, không ngày sinh',
        'Asks only “over 16?” — no name, no ID number, no birth date',
      ),
      await platform.verify(presentation, { challenge, request }),
      presentation,
    ),
  );

  steps.push(
    refusedStep(
      PLATFORM,
      t('Dùng lại cùng bản trình bày để mở tài khoản thứ hai', 'Reuses the same presentation for a second account'),
      await platform.verify(presentation, { challenge, request }),
      [{ check: 'challenge', code: 'CHALLENGE_REPLAYED' }],
      t('Mỗi lần đăng ký cần một thử thách mới', 'Each sign-up needs a fresh challenge'),
    ),
  );
  return steps;
}

await runIfMain(import.meta.url, title, run);
