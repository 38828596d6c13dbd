import test from 'ava';
import { run } from '../src/scenarios/hospital.js';
import { credentialsOf, outcomes, worldFor } from './helpers/world.js';

test('hospital: coverage verified today; checked after coverage ended it is CREDENTIAL_EXPIRED; the next day the wallet offers nothing', async (t) => {
  const world = await worldFor(t);
  const steps = await run(world);
  t.deepEqual(outcomes(steps), ['info', 'ok', 'refused:CREDENTIAL_EXPIRED', 'refused:NO_MATCHING_CREDENTIAL']);
  const [card] = credentialsOf(steps[1]!);
  const subject = card!.credentialSubject as Record<string, string>;
  t.deepEqual(Object.keys(subject).sort(), ['benefitLevel', 'coverageFrom', 'coverageTo', 'id']);
  // The issuer was told validUntil = the end of coverageTo in Vietnam (UTC+7).
  const end = new Date(`${subject.coverageTo}T17:00:00Z`);
  end.setUTCDate(end.getUTCDate());
  t.is(Date.parse(String(card!.validUntil)), Date.parse(`${subject.coverageTo}T17:00:00Z`));
  t.deepEqual(
    steps[2]!.report!.checks.filter((c) => c.result === 'invalid').map((c) => [c.check, c.code]),
    [['validityPeriod', 'CREDENTIAL_EXPIRED']],
  );
  t.is(world.clock.now().getTime() - Date.now() < 5000, true, 'the scenario gives the clock back');
});
