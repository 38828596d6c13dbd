/**
 * @vneid/examples — five end-to-end scenarios over a real issuer service, a
 * real wallet and the offline verifier, the world they run in, and the
 * helpers behind `pnpm demo`, `vneid-trust` and the rendered API docs.
 *
 * @packageDocumentation
 */
export { AGE_ATTESTATION_MAX_DAYS, ageAttestationFor, birthdayInstant } from './lib/age.js';
export type { Clock } from './lib/clock.js';
export { createClock } from './lib/clock.js';
export { renderOpenApi } from './lib/openapi-markdown.js';
export { formatScenario, formatStep } from './lib/print.js';
export type { StepLog } from './lib/steps.js';
export { endOfDayInVietnam, ScenarioError } from './lib/steps.js';
export type { MinistryKey, PresentationRequestLike, VerifierDevice, World } from './lib/world.js';
export { createWorld, MINISTRIES } from './lib/world.js';
export type { Scenario } from './scenarios/index.js';
export { SCENARIOS } from './scenarios/index.js';
export { signEachType } from './sign-each-type.js';
