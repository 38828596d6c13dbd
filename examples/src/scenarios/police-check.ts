import { fixtures } from '@vneid/schemas';
import { runIfMain } from '../lib/print.js';
import { endOfDayInVietnam, info, refusedStep, requestFor, type StepLog, t, verifiedStep } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 1. */
export const title = t('Cảnh sát giao thông kiểm tra giấy phép lái xe', 'Police roadside check');

const OFFICER = t('Cảnh sát giao thông (thiết bị ngoại tuyến)', 'Traffic police officer (offline device)');
const MINISTRY = t('Bộ Công an', 'Ministry of Public Security');
const DOMAIN = 'csgt.bocongan.gov.vn';

/** Only what a roadside check needs: who is driving, their face, and which vehicles they may drive. */
const QUERIES = [
  { type: 'DrivingLicence', fields: ['fullName', 'licenceClasses'], reason: 'Kiểm tra giấy phép lái xe' },
  { type: 'CitizenIdentityCard', fields: ['faceImage'], reason: 'Đối chiếu khuôn mặt người lái xe' },
];

/**
 * The citizen shows their driving licence to a traffic police officer, whose
 * device verifies offline; the ministry then suspends the licence over the
 * HTTP API, the device syncs status lists, and the same check fails with
 * CREDENTIAL_SUSPENDED.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  const licence = await world.issueToWallet('police', 'DrivingLicence', fixtures.DrivingLicence, {
    validUntil: endOfDayInVietnam('2035-09-03'),
  });
  await world.issueToWallet('police', 'CitizenIdentityCard', fixtures.CitizenIdentityCard, {
    validUntil: endOfDayInVietnam(fixtures.CitizenIdentityCard.dateOfExpiry),
  });
  steps.push(
    info(
      MINISTRY,
      t(
        'Cấp thẻ căn cước và giấy phép lái xe vào ví của công dân',
        'Issues the identity card and driving licence to the citizen’s wallet',
      ),
    ),
  );

  const sync = await world.syncStatus();
  steps.push(
    info(
      OFFICER,
      t(
        `Đồng bộ danh sách trạng thái trước ca trực (${sync.results.length} danh sách)`,
        `Syncs status lists before the shift (${sync.results.length} lists)`,
      ),
    ),
  );

  const device = world.verifier(DOMAIN);
  let challenge = device.challenges.issue();
  let request = requestFor(QUERIES, challenge, DOMAIN);
  let { presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent);
  let report = await device.verify(presentation, { challenge, request });
  steps.push(
    verifiedStep(
      OFFICER,
      t(
        'Yêu cầu họ tên, hạng GPLX và ảnh khuôn mặt — xác thực ngoại tuyến',
        'Asks for name, licence classes and face image — verifies offline',
      ),
      report,
      presentation,
    ),
  );

  // Later that day the ministry suspends the licence.
  world.clock.set(new Date(world.clock.now().getTime() + 3 * 3600_000));
  const change = await world.changeStatus(
    'police',
    String(licence.id),
    'suspend',
    'tạm giữ GPLX theo quyết định xử phạt',
  );
  steps.push(
    info(
      MINISTRY,
      t(
        `Tạm đình chỉ giấy phép lái xe qua API (trạng thái: ${change.state})`,
        `Suspends the driving licence over the API (state: ${change.state})`,
      ),
    ),
  );
  const resync = await world.syncStatus();
  const updated = resync.results.filter((r) => r.result === 'updated').length;
  steps.push(
    info(
      OFFICER,
      t(`Đồng bộ lại danh sách trạng thái (${updated} danh sách mới)`, `Syncs status lists again (${updated} updated)`),
    ),
  );

  challenge = device.challenges.issue();
  request = requestFor(QUERIES, challenge, DOMAIN);
  ({ presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent));
  report = await device.verify(presentation, { challenge, request });
  steps.push(
    refusedStep(
      OFFICER,
      t('Kiểm tra lại cùng giấy phép', 'Checks the same licence again'),
      report,
      [{ check: 'suspension', code: 'CREDENTIAL_SUSPENDED' }],
      t('Giấy phép lái xe đang bị tạm đình chỉ', 'Licence suspended'),
      presentation,
    ),
  );
  return steps;
}

await runIfMain(import.meta.url, title, run);
