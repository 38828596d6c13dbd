import { fixtures } from '@vneid/schemas';
import { endpointRefusal, onlineVerifiedStep, postResponse, presentOnline } from '../lib/oid4vp-steps.js';
import { ONLINE_RELYING_PARTIES } from '../lib/online-relying-parties.js';
import { runIfMain } from '../lib/print.js';
import { endOfDayInVietnam, info, type StepLog, t } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 6. */
export const title = t('Ngân hàng số xác minh khách hàng trực tuyến (OpenID4VP)', 'Online bank KYC (OpenID4VP)');

const KYC_FIELDS = ['fullName', 'personalIdentificationNumber', 'dateOfBirth', 'placeOfResidence'];

/**
 * A bank opens an account online: its web page shows an OpenID4VP QR code
 * (a signed request by reference: DCQL query for four identity-card fields,
 * nonce, its registered client id, direct_post); the citizen's phone reads
 * it, shows who asks and why, and answers with her consent. The bank checks
 * the answer offline, bound to its nonce and client id. The same answer sent
 * again is refused: the request was used.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  const bank = t('Ngân hàng số Việt', 'Viet Digital Bank');
  await world.issueToWallet('police', 'CitizenIdentityCard', fixtures.CitizenIdentityCard, {
    validUntil: endOfDayInVietnam(fixtures.CitizenIdentityCard.dateOfExpiry),
  });
  steps.push(
    info(t('Bộ Công an', 'Ministry of Public Security'), t('Cấp thẻ căn cước vào ví', 'Issues the identity card')),
  );
  await world.syncStatus();

  const round = await presentOnline(world, 'bank', [
    { type: 'CitizenIdentityCard', fields: KYC_FIELDS, reason: 'Mở tài khoản thanh toán (eKYC)' },
  ]);
  steps.push(
    onlineVerifiedStep(
      bank,
      t(
        `Hiện mã QR OpenID4VP (${ONLINE_RELYING_PARTIES.bank.id}); ví đọc, công dân đồng ý, ví gửi 4 trường`,
        `Shows an OpenID4VP QR code (${ONLINE_RELYING_PARTIES.bank.id}); the wallet reads it, the citizen agrees, 4 fields are sent`,
      ),
      round,
    ),
  );

  steps.push(
    endpointRefusal(
      bank,
      t(
        'Nhận lại đúng câu trả lời đó (mở tài khoản thứ hai)',
        'Receives the very same answer again (a second account)',
      ),
      await postResponse(round.responseUri, {
        vp_token: JSON.stringify({ q0: [round.presentation] }),
        state: round.state,
      }),
      'AUTHORIZATION_REQUEST_USED',
      t('Mỗi yêu cầu chỉ được trả lời một lần', 'Each request is answered once'),
    ),
  );
  return steps;
}

await runIfMain(import.meta.url, title, run);
