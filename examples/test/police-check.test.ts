import test from 'ava';
import { run } from '../src/scenarios/police-check.js';
import { credentialsOf, outcomes, worldFor } from './helpers/world.js';

test('roadside check: verified offline with only name, classes, face and validity; after suspension it is CREDENTIAL_SUSPENDED', async (t) => {
  const world = await worldFor(t);
  const steps = await run(world);
  t.deepEqual(outcomes(steps), ['info', 'info', 'ok', 'info', 'info', 'refused:CREDENTIAL_SUSPENDED']);

  const [licence, card] = credentialsOf(steps[2]!);
  t.deepEqual(Object.keys(licence!.credentialSubject as object).sort(), ['fullName', 'id', 'licenceClasses']);
  t.deepEqual(Object.keys(card!.credentialSubject as object).sort(), ['faceImage', 'id']);
  t.truthy(licence!.validUntil, 'the validity is always disclosed');
  const sent = JSON.stringify(steps[2]!.presentation);
  for (const hidden of ['001178012345', '1978-05-19', 'Láng Hạ', '010250012345'])
    t.false(sent.includes(hidden), hidden);

  const failing = steps[5]!.report!.checks.filter((c) => c.result === 'invalid');
  t.deepEqual(
    failing.map((c) => [c.target, c.check, c.code]),
    [['credential[0]', 'suspension', 'CREDENTIAL_SUSPENDED']],
  );
  t.is(steps[5]!.reason?.en, 'Licence suspended');
});
