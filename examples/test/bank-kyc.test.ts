import test from 'ava';
import { run } from '../src/scenarios/bank-kyc.js';
import { credentialsOf, outcomes, worldFor } from './helpers/world.js';

test('bank KYC: four fields bound to the bank; a second use is CHALLENGE_REPLAYED, another bank gets DOMAIN_MISMATCH + CHALLENGE_MISMATCH', async (t) => {
  const world = await worldFor(t);
  const steps = await run(world);
  t.deepEqual(outcomes(steps), [
    'info',
    'ok',
    'refused:CHALLENGE_REPLAYED',
    'refused:CHALLENGE_MISMATCH,DOMAIN_MISMATCH',
  ]);
  const [card] = credentialsOf(steps[1]!);
  t.deepEqual(Object.keys(card!.credentialSubject as object).sort(), [
    'dateOfBirth',
    'fullName',
    'id',
    'personalIdentificationNumber',
    'placeOfResidence',
  ]);
  const proof = steps[1]!.presentation!.proof as { domain: string; challenge: string };
  t.is(proof.domain, 'nganhang-a.example.vn');
  const invalid = (i: number) =>
    steps[i]!.report!.checks.filter((c) => c.result === 'invalid').map((c) => `${c.check}:${c.code}`);
  t.deepEqual(invalid(2), ['challenge:CHALLENGE_REPLAYED']);
  t.deepEqual(invalid(3), ['challenge:CHALLENGE_MISMATCH', 'domain:DOMAIN_MISMATCH']);
});
