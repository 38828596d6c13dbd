import { fixtures } from '@vneid/schemas';
import { runIfMain } from '../lib/print.js';
import {
  endOfDayInVietnam,
  info,
  refusedStep,
  requestFor,
  type StepLog,
  t,
  verifiedStep,
  vietnamDate,
  walletRefusal,
} from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 3. */
export const title = t('Bệnh viện kiểm tra thẻ bảo hiểm y tế', 'Hospital checks health insurance');

const HOSPITAL = t('Bệnh viện Đa khoa Đống Đa', 'Dong Da General Hospital');
const DOMAIN = 'benhviendongda.example.vn';
const FIELDS = ['coverageFrom', 'coverageTo', 'benefitLevel'];

/**
 * The hospital checks the card's coverage and benefit level. The card's
 * `validUntil` is the end of its coverage (the issuer is told so explicitly):
 * a presentation made minutes before coverage ends and checked after it is
 * CREDENTIAL_EXPIRED; the next day the wallet no longer offers the card.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  const now = world.clock.now();
  // Coverage for this calendar year, ending ten days from now.
  const coverageFrom = `${vietnamDate(now).slice(0, 4)}-01-01`;
  const coverageTo = vietnamDate(now, 10);
  const validUntil = endOfDayInVietnam(coverageTo);
  await world.issueToWallet(
    'socialSecurity',
    'HealthInsuranceCard',
    { ...fixtures.HealthInsuranceCard, coverageFrom, coverageTo },
    { validUntil },
  );
  steps.push(
    info(
      t('Bảo hiểm xã hội Việt Nam', 'Vietnam Social Security'),
      t(
        `Cấp thẻ BHYT, hiệu lực ${coverageFrom} → ${coverageTo}`,
        `Issues the health insurance card, coverage ${coverageFrom} → ${coverageTo}`,
      ),
    ),
  );
  await world.syncStatus();
  const hospital = world.verifier(DOMAIN);
  const ask = () => {
    const challenge = hospital.challenges.issue();
    const request = requestFor(
      [{ type: 'HealthInsuranceCard', fields: FIELDS, reason: 'Khám chữa bệnh BHYT' }],
      challenge,
      DOMAIN,
    );
    return { challenge, request };
  };

  let { challenge, request } = ask();
  let { presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent);
  steps.push(
    verifiedStep(
      HOSPITAL,
      t('Hôm nay: kiểm tra thời hạn và mức hưởng BHYT', 'Today: checks coverage dates and benefit level'),
      await hospital.verify(presentation, { challenge, request }),
      presentation,
    ),
  );

  // Two minutes before coverage ends the patient presents; the check runs a minute after it ended.
  const end = Date.parse(validUntil);
  world.clock.set(new Date(end - 120_000));
  ({ challenge, request } = ask());
  ({ presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent));
  world.clock.set(new Date(end + 60_000));
  steps.push(
    refusedStep(
      HOSPITAL,
      t(
        `Kiểm tra lúc ${world.clock.now().toISOString()}, sau khi hết hạn`,
        `Checks at ${world.clock.now().toISOString()}, after coverage ended`,
      ),
      await hospital.verify(presentation, { challenge, request }),
      [{ check: 'validityPeriod', code: 'CREDENTIAL_EXPIRED' }],
      t('Thẻ BHYT đã hết hạn sử dụng', 'The health insurance card has expired'),
      presentation,
    ),
  );

  world.clock.set(new Date(end + 86_400_000));
  steps.push(
    await walletRefusal(
      t('Ví của bệnh nhân', 'Patient’s wallet'),
      t('Ngày hôm sau, bệnh viện hỏi lại', 'The next day, the hospital asks again'),
      async () => {
        const r = ask().request;
        return world.wallet.present(r, (await world.wallet.preview(r)).consent);
      },
      'NO_MATCHING_CREDENTIAL',
      t('Ví không đưa ra thẻ đã hết hạn', 'The wallet does not offer an expired card'),
    ),
  );
  world.clock.reset();
  return steps;
}

await runIfMain(import.meta.url, title, run);
