import test from 'ava';
import { signEachType } from '../src/sign-each-type.js';

test('one credential of each type is signed, selectively disclosed and verified', async (t) => {
  const rows = await signEachType();
  t.deepEqual(
    rows.map((r) => r.type),
    ['CitizenIdentityCard', 'DrivingLicence', 'UniversityDegree', 'HealthInsuranceCard'],
  );
  for (const row of rows) t.true(row.verified, row.type);
});
