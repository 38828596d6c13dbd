import test from 'ava';
import { run } from '../src/scenarios/online-bank-kyc.js';
import { outcomes, worldFor } from './helpers/world.js';

test('smoke', async (t) => {
  const world = await worldFor(t);
  const steps = await run(world);
  t.deepEqual(outcomes(steps), ['info', 'ok', 'refused:AUTHORIZATION_REQUEST_USED']);
});
