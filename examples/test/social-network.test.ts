import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { run } from '../src/scenarios/social-network.js';
import { credentialsOf, outcomes, worldFor } from './helpers/world.js';

test('social network: the platform learns “over 16” and nothing else, bound to its challenge; reuse is CHALLENGE_REPLAYED', async (t) => {
  const world = await worldFor(t);
  const steps = await run(world);
  t.deepEqual(outcomes(steps), ['info', 'ok', 'refused:CHALLENGE_REPLAYED']);

  const sent = JSON.stringify(steps[1]!.presentation);
  const card = fixtures.CitizenIdentityCard;
  for (const secret of [
    card.fullName,
    card.personalIdentificationNumber,
    card.dateOfBirth,
    'fullName',
    'dateOfBirth',
  ]) {
    t.false(sent.includes(secret), `the presentation does not contain ${secret}`);
  }
  t.false(sent.includes('ageOver13'));
  t.false(sent.includes('ageOver18'));
  const [attestation] = credentialsOf(steps[1]!);
  t.deepEqual(attestation!.credentialSubject, { id: world.wallet.holderDid, ageOver16: true });
  t.deepEqual(
    steps[1]!.report!.credentials.flatMap((c) => c.claims.map((claim) => [claim.field, claim.value])),
    [['ageOver16', true]],
  );
  // An adult: no threshold ahead, so validity is the 30-day cap.
  t.is(Date.parse(String(attestation!.validUntil)) - Date.parse(String(attestation!.validFrom)), 30 * 86_400_000);
  const proof = steps[1]!.presentation!.proof as { domain: string };
  t.is(proof.domain, 'mangxahoi.example.vn');
});
