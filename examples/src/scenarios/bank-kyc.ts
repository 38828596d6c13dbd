import { fixtures } from '@vneid/schemas';
import { runIfMain } from '../lib/print.js';
import { endOfDayInVietnam, info, refusedStep, requestFor, type StepLog, t, verifiedStep } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 2. */
export const title = t('Ngân hàng xác minh danh tính khách hàng (eKYC)', 'Bank KYC');

const BANK_A = 'nganhang-a.example.vn';
const BANK_B = 'nganhang-b.example.vn';
const KYC_FIELDS = ['fullName', 'personalIdentificationNumber', 'dateOfBirth', 'placeOfResidence'];

/**
 * A bank opens an account from the identity card: four fields bound to its
 * challenge and domain. The same presentation used again at the bank is
 * CHALLENGE_REPLAYED; replayed at another bank it is DOMAIN_MISMATCH and
 * CHALLENGE_MISMATCH.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  const bankA = t('Ngân hàng A', 'Bank A');
  const bankB = t('Ngân hàng B', 'Bank B');
  await world.issueToWallet('police', 'CitizenIdentityCard', fixtures.CitizenIdentityCard, {
    validUntil: endOfDayInVietnam(fixtures.CitizenIdentityCard.dateOfExpiry),
  });
  steps.push(
    info(
      t('Bộ Công an', 'Ministry of Public Security'),
      t('Cấp thẻ căn cước vào ví', 'Issues the identity card to the wallet'),
    ),
  );
  await world.syncStatus();

  const a = world.verifier(BANK_A);
  const challenge = a.challenges.issue();
  const request = requestFor(
    [{ type: 'CitizenIdentityCard', fields: KYC_FIELDS, reason: 'Mở tài khoản thanh toán' }],
    challenge,
    BANK_A,
  );
  const { presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent);
  steps.push(
    verifiedStep(
      bankA,
      t(
        `Yêu cầu 4 trường để mở tài khoản (thử thách + tên miền ${BANK_A})`,
        `Asks for 4 fields to open an account (challenge + domain ${BANK_A})`,
      ),
      await a.verify(presentation, { challenge, request }),
      presentation,
    ),
  );

  steps.push(
    refusedStep(
      bankA,
      t(
        'Nhận lại đúng bản trình bày đó (mở tài khoản thứ hai)',
        'Receives the very same presentation again (a second account)',
      ),
      await a.verify(presentation, { challenge, request }),
      [{ check: 'challenge', code: 'CHALLENGE_REPLAYED' }],
      t('Thử thách đã được dùng: bản trình bày bị phát lại', 'The challenge was already used: a replay'),
    ),
  );

  const b = world.verifier(BANK_B);
  const challengeB = b.challenges.issue();
  steps.push(
    refusedStep(
      bankB,
      t('Nhận bản trình bày bị đánh cắp từ Ngân hàng A', 'Receives the presentation stolen from Bank A'),
      await b.verify(presentation, { challenge: challengeB }),
      [
        { check: 'domain', code: 'DOMAIN_MISMATCH' },
        { check: 'challenge', code: 'CHALLENGE_MISMATCH' },
      ],
      t(
        'Bản trình bày được ký cho ngân hàng khác và thử thách khác',
        'It was signed for another bank and another challenge',
      ),
    ),
  );
  return steps;
}

await runIfMain(import.meta.url, title, run);
