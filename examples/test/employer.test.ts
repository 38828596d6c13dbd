import test from 'ava';
import { run } from '../src/scenarios/employer.js';
import { credentialsOf, outcomes, worldFor } from './helpers/world.js';

test('employer: an accredited university degree verifies; a withdrawn college is ISSUER_NOT_AUTHORIZED; a diploma mill is ISSUER_NOT_TRUSTED', async (t) => {
  const world = await worldFor(t);
  const steps = await run(world);
  t.deepEqual(outcomes(steps), [
    'info',
    'ok',
    'info',
    'refused:ISSUER_NOT_AUTHORIZED',
    'info',
    // The mill's status list is in no bundle either: its status cannot be known.
    'refused:ISSUER_NOT_TRUSTED,STATUS_UNKNOWN',
  ]);
  const issuerOf = (i: number) => String(credentialsOf(steps[i]!)[0]?.issuer);
  t.is(issuerOf(1), world.did('university'));
  t.is(issuerOf(3), world.did('withdrawn'));
  t.regex(issuerOf(5), /^did:key:/);
  const invalid = (i: number) =>
    steps[i]!.report!.checks.filter((c) => c.result === 'invalid').map((c) => `${c.check}:${c.code}`);
  t.deepEqual(invalid(3), ['issuerAuthorized:ISSUER_NOT_AUTHORIZED']);
  t.true(invalid(5).includes('issuerTrusted:ISSUER_NOT_TRUSTED'));
  t.deepEqual(
    world.trust.bundle.issuers.find((i) => i.id === world.did('withdrawn'))?.credentialTypes,
    [],
    'the trust authority lists the college for nothing',
  );
});
