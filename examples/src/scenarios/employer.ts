import { randomInt, randomUUID } from 'node:crypto';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  generateKeyPair,
  type JsonObject,
  mandatoryPointersFor,
  signCredential,
} from '@vneid/core';
import { credentialSchemaFor, fixtures, getCredentialType } from '@vneid/schemas';
import { runIfMain } from '../lib/print.js';
import { info, refusedStep, requestFor, type StepLog, t, verifiedStep } from '../lib/steps.js';
import type { World } from '../lib/world.js';

/** Scenario 4. */
export const title = t('Nhà tuyển dụng kiểm tra văn bằng', 'Employer checks a university degree');

const EMPLOYER = t('Nhà tuyển dụng', 'Employer');
const DOMAIN = 'tuyendung.example.vn';
const FIELDS = ['fullName', 'degreeTitle', 'fieldOfStudy', 'graduationYear', 'institution'];
const DAY = 86_400_000;

/** The citizen of the other scenarios, as a graduate. */
const graduate = {
  ...fixtures.UniversityDegree,
  fullName: fixtures.CitizenIdentityCard.fullName,
  dateOfBirth: fixtures.CitizenIdentityCard.dateOfBirth,
  personalIdentificationNumber: fixtures.CitizenIdentityCard.personalIdentificationNumber,
  graduationYear: 2000,
  institution: 'Trường Đại học Công nghệ, Đại học Quốc gia Hà Nội',
};

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A diploma mill's degree, signed with its own did:key: well formed, validly
 * signed, and from an issuer no trust bundle lists.
 */
async function rogueDegree(world: World, validFrom: string): Promise<JsonObject> {
  const key = await generateKeyPair({ keyType: 'P-256' });
  const list = 'https://dai-hoc-quoc-te-mo.example/status/1';
  const entry = (purpose: string) => {
    const index = randomInt(0, 131_072);
    return {
      id: `${list}#${index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: purpose,
      statusListIndex: String(index),
      statusListCredential: list,
    };
  };
  const credential: JsonObject = {
    '@context': [CREDENTIALS_V2_CONTEXT_URL, getCredentialType('UniversityDegree').contextUrl],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'UniversityDegree'],
    issuer: key.controller,
    validFrom,
    validUntil: isoSeconds(Date.parse(validFrom) + 50 * 365 * DAY),
    credentialSchema: credentialSchemaFor('UniversityDegree'),
    credentialSubject: { id: world.wallet.holderDid, ...graduate, institution: 'Đại học Quốc tế Mở (không có thật)' },
    credentialStatus: [entry('revocation'), entry('suspension')],
  };
  return signCredential({
    credential,
    key,
    cryptosuite: 'ecdsa-sd-2023',
    documentLoader: world.documentLoader,
    mandatoryPointers: mandatoryPointersFor(credential),
  });
}

/**
 * An employer checks a degree from an accredited university; a degree from a
 * college whose accreditation the trust authority withdrew is
 * ISSUER_NOT_AUTHORIZED; one from a diploma mill outside the bundle is
 * ISSUER_NOT_TRUSTED.
 */
export async function run(world: World): Promise<StepLog[]> {
  const steps: StepLog[] = [];
  const now = world.clock.now().getTime();
  // Degrees are long-lived; each is dated so that the wallet offers the newest.
  const validity = (daysAgo: number) => ({
    validFrom: isoSeconds(now - daysAgo * DAY),
    validUntil: isoSeconds(now + 50 * 365 * DAY),
  });
  await world.issueToWallet('university', 'UniversityDegree', graduate, validity(3));
  steps.push(
    info(
      t('Đại học Quốc gia Hà Nội', 'Vietnam National University, Hanoi'),
      t('Cấp văn bằng kỹ sư vào ví', 'Issues an engineering degree to the wallet'),
    ),
  );
  await world.syncStatus();

  const employer = world.verifier(DOMAIN);
  const check = async () => {
    const challenge = employer.challenges.issue();
    const request = requestFor(
      [{ type: 'UniversityDegree', fields: FIELDS, reason: 'Tuyển dụng kỹ sư phần mềm' }],
      challenge,
      DOMAIN,
    );
    const { presentation } = await world.wallet.present(request, (await world.wallet.preview(request)).consent);
    return { presentation, report: await employer.verify(presentation, { challenge, request }) };
  };
  let { presentation, report } = await check();
  steps.push(
    verifiedStep(
      EMPLOYER,
      t('Kiểm tra văn bằng do đại học được kiểm định cấp', 'Checks a degree from an accredited university'),
      report,
      presentation,
    ),
  );

  await world.issueToWallet(
    'withdrawn',
    'UniversityDegree',
    { ...graduate, institution: 'Trường Cao đẳng ABC' },
    validity(2),
  );
  steps.push(
    info(
      t('Trường Cao đẳng ABC', 'ABC College'),
      t(
        'Cấp “văn bằng đại học” dù đã bị thu hồi kiểm định',
        'Issues a “university degree” although its accreditation was withdrawn',
      ),
    ),
  );
  ({ presentation, report } = await check());
  steps.push(
    refusedStep(
      EMPLOYER,
      t('Kiểm tra văn bằng của Trường Cao đẳng ABC', 'Checks the ABC College degree'),
      report,
      [{ check: 'issuerAuthorized', code: 'ISSUER_NOT_AUTHORIZED' }],
      t(
        'Đơn vị cấp có trong danh sách tin cậy nhưng không được cấp văn bằng đại học',
        'The issuer is trusted, but not for university degrees',
      ),
      presentation,
    ),
  );

  await world.wallet.add(await rogueDegree(world, validity(1).validFrom));
  steps.push(
    info(
      t('Lò bằng giả', 'Diploma mill'),
      t('Ký một văn bằng bằng khoá riêng (did:key)', 'Signs a degree with its own key (did:key)'),
    ),
  );
  ({ presentation, report } = await check());
  steps.push(
    refusedStep(
      EMPLOYER,
      t('Kiểm tra văn bằng của “Đại học Quốc tế Mở”', 'Checks the “Open International University” degree'),
      report,
      [{ check: 'issuerTrusted', code: 'ISSUER_NOT_TRUSTED' }],
      t('Đơn vị cấp không có trong gói tin cậy quốc gia', 'The issuer is not in the national trust bundle'),
      presentation,
    ),
  );
  return steps;
}

await runIfMain(import.meta.url, title, run);
