import type { JsonObject, PresentationRequest } from '@vneid/core';
import test from 'ava';
import { createChallengeStore, syncStatus, type VerificationReport, verifyPresentation } from '../src/index.js';
import { createWorld, derive, issue, NOW, present, publishLists, type World } from './helpers/world.js';

let world: World;
test.before(async () => {
  world = await createWorld();
  await publishLists(world);
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
});
test.after.always(() => world?.close());

const DOMAIN = 'csgt.bocongan.gov.vn';
const request = (challenge: string, fields: string[] = ['fullName', 'licenceClasses']): PresentationRequest => ({
  query: [
    {
      type: 'QueryByExample',
      credentialQuery: {
        reason: 'Kiểm tra giấy phép lái xe',
        example: { type: 'DrivingLicence', credentialSubject: Object.fromEntries(fields.map((f) => [f, ''])) },
      },
    },
  ],
  challenge,
  domain: DOMAIN,
});

function check(report: VerificationReport, name: string, target = 'presentation') {
  return report.checks.find((c) => c.check === name && c.target === target);
}

const verify = (vp: unknown, extra: Partial<Parameters<typeof verifyPresentation>[1]> = {}) =>
  verifyPresentation(vp, { bundle: world.loaded, statusCache: world.cache, now: NOW, domain: DOMAIN, ...extra });

async function licencePresentation(challenge: string, fields = ['fullName', 'licenceClasses']): Promise<JsonObject> {
  const vc = await derive(world, await issue(world), fields);
  return present(world, [vc], { challenge, domain: DOMAIN });
}

test('a presentation answering the request verifies, once; replaying it fails with CHALLENGE_REPLAYED', async (t) => {
  const store = createChallengeStore({ ttlSeconds: 120, now: () => NOW });
  const challenge = store.issue();
  const vp = await licencePresentation(challenge);
  const report = await verify(vp, { request: request(challenge), challengeStore: store });
  t.true(report.verified, JSON.stringify(report.errors));
  t.is(check(report, 'requestSatisfied')?.result, 'valid');
  t.is(check(report, 'holderBinding')?.result, 'valid');
  t.is(check(report, 'proof', 'credential[0]')?.result, 'valid');
  t.deepEqual(
    report.credentials[0]?.claims.map((c) => c.field),
    ['fullName', 'licenceClasses'],
  );
  const replay = await verify(vp, { request: request(challenge), challengeStore: store });
  t.false(replay.verified);
  t.is(check(replay, 'challenge')?.code, 'CHALLENGE_REPLAYED');
});

test('without a challenge store a replayed presentation still fails with CHALLENGE_REPLAYED; allowReplay opts out', async (t) => {
  const vp = await licencePresentation('challenge-replay-default');
  const first = await verify(vp, { challenge: 'challenge-replay-default' });
  t.true(first.verified, JSON.stringify(first.errors));
  const replay = await verify(vp, { challenge: 'challenge-replay-default' });
  t.false(replay.verified);
  t.is(check(replay, 'challenge')?.code, 'CHALLENGE_REPLAYED');
  // The explicit opt-out (a caller that keeps its own record of used challenges).
  const optedOut = await verify(vp, { challenge: 'challenge-replay-default', allowReplay: true });
  t.true(optedOut.verified, JSON.stringify(optedOut.errors));
  // A forged presentation does not burn a challenge for the genuine one.
  const other = await licencePresentation('challenge-replay-forged');
  const forged = { ...other, proof: { ...(other.proof as JsonObject), proofValue: `z${'1'.repeat(86)}` } };
  t.is(check(await verify(forged, { challenge: 'challenge-replay-forged' }), 'proof')?.result, 'invalid');
  t.true((await verify(other, { challenge: 'challenge-replay-forged' })).verified);
});

test('a challenge this verifier never issued, or one that expired, fails with CHALLENGE_REPLAYED', async (t) => {
  let clock = NOW;
  const store = createChallengeStore({ ttlSeconds: 60, now: () => clock });
  const vp = await licencePresentation('a-challenge-from-elsewhere');
  const r1 = await verify(vp, { challenge: 'a-challenge-from-elsewhere', challengeStore: store });
  t.is(check(r1, 'challenge')?.code, 'CHALLENGE_REPLAYED');
  const issued = store.issue();
  clock = new Date(NOW.getTime() + 61_000);
  const late = await licencePresentation(issued);
  const r2 = await verify(late, { challenge: issued, challengeStore: store });
  t.is(check(r2, 'challenge')?.code, 'CHALLENGE_REPLAYED');
});

test('a presentation made for another challenge fails with CHALLENGE_MISMATCH', async (t) => {
  const vp = await licencePresentation('challenge-for-someone-else');
  const report = await verify(vp, { challenge: 'my-own-challenge-123' });
  t.is(check(report, 'challenge')?.code, 'CHALLENGE_MISMATCH');
  t.is(check(report, 'proof')?.result, 'valid');
  t.false(report.verified);
});

test('a presentation made for another verifier fails with DOMAIN_MISMATCH', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], { challenge: 'challenge-0001', domain: 'nganhang-gia.example' });
  const report = await verify(vp, { challenge: 'challenge-0001' });
  t.is(check(report, 'domain')?.code, 'DOMAIN_MISMATCH');
  t.false(report.verified);
});

test('a requested field that was not disclosed fails with REQUEST_NOT_SATISFIED naming it', async (t) => {
  const vp = await licencePresentation('challenge-0002', ['fullName']);
  const report = await verify(vp, { request: request('challenge-0002', ['fullName', 'licenceClasses']) });
  const c = check(report, 'requestSatisfied');
  t.is(c?.code, 'REQUEST_NOT_SATISFIED');
  t.regex(report.errors.find((e) => e.code === 'REQUEST_NOT_SATISFIED')?.message ?? '', /licenceClasses/);
  t.false(report.verified);
});

test('a holder presenting someone else’s credential fails with HOLDER_MISMATCH', async (t) => {
  const theirs = await derive(world, await issue(world, { holder: world.otherHolder.controller }), ['fullName']);
  const vp = await present(world, [theirs], { challenge: 'challenge-0003', domain: DOMAIN });
  const report = await verify(vp, { challenge: 'challenge-0003' });
  t.is(check(report, 'holderBinding')?.code, 'HOLDER_MISMATCH');
  t.is(check(report, 'proof')?.result, 'valid');
  t.false(report.verified);
});

test('a presentation whose holder is not its signer fails with HOLDER_MISMATCH', async (t) => {
  const vp = await licencePresentation('challenge-0004');
  const report = await verify({ ...vp, holder: world.otherHolder.controller }, { challenge: 'challenge-0004' });
  t.is(check(report, 'holderBinding')?.code, 'HOLDER_MISMATCH');
});

test('an old presentation fails with PRESENTATION_TOO_OLD', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], {
    challenge: 'challenge-0005',
    domain: DOMAIN,
    now: new Date(NOW.getTime() - 3600_000),
  });
  const report = await verify(vp, { challenge: 'challenge-0005' });
  t.is(check(report, 'validityPeriod')?.code, 'PRESENTATION_TOO_OLD');
  // The first (genuine) answer used the challenge up; this re-check of the same presentation opts out.
  t.true((await verify(vp, { challenge: 'challenge-0005', maxPresentationAge: 7200, allowReplay: true })).verified);
});

test('a presentation with two proofs, or a tampered embedded credential, is not verified', async (t) => {
  const vp = (await licencePresentation('challenge-0006')) as JsonObject & { proof: JsonObject };
  const twoProofs = await verify({ ...vp, proof: [vp.proof, vp.proof] }, { challenge: 'challenge-0006' });
  t.is(check(twoProofs, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  const creds = structuredClone(vp.verifiableCredential) as Array<JsonObject & { credentialSubject: JsonObject }>;
  creds[0]!.credentialSubject.fullName = 'Người Khác';
  const tampered = await verify({ ...vp, verifiableCredential: creds }, { challenge: 'challenge-0006' });
  t.false(tampered.verified);
  t.is(check(tampered, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  t.is(check(tampered, 'proof', 'credential[0]')?.code, 'PROOF_VERIFICATION_ERROR');
});

test('a revoked credential inside a valid presentation makes it not verified with CREDENTIAL_REVOKED', async (t) => {
  const w = await createWorld();
  t.teardown(() => w.close());
  const base = await issue(w, { revocationIndex: 4242 });
  w.lists.revocation.list.setStatus(4242, true);
  await publishLists(w);
  await syncStatus(w.loaded, { cache: w.cache, now: NOW, fetch: w.fetch });
  const vp = await present(w, [await derive(w, base, ['fullName'])], { challenge: 'challenge-0007', domain: DOMAIN });
  const report = await verifyPresentation(vp, {
    bundle: w.loaded,
    statusCache: w.cache,
    now: NOW,
    challenge: 'challenge-0007',
    domain: DOMAIN,
  });
  t.is(check(report, 'revocation', 'credential[0]')?.code, 'CREDENTIAL_REVOKED');
  t.false(report.verified);
});

test('caller misuse (no challenge or domain) is a TypeError; hostile presentations are reports', async (t) => {
  await t.throwsAsync(
    verifyPresentation({}, { bundle: world.loaded, statusCache: world.cache, now: NOW, domain: DOMAIN }),
    { instanceOf: TypeError },
  );
  const deep: JsonObject = {};
  let cursor = deep;
  for (let i = 0; i < 100; i++) cursor = cursor.next = {};
  const report = await verify(deep, { challenge: 'challenge-0008' });
  t.is(check(report, 'proof')?.code, 'INPUT_LIMIT_EXCEEDED');
  const notVp = await verify(
    { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['Nothing'] },
    { challenge: 'challenge-0008' },
  );
  t.is(check(notVp, 'proof')?.code, 'MALFORMED_VALUE_ERROR');
});

test('an embedded credential with an unpinned context is refused with CONTEXT_NOT_ALLOWED before the presentation proof', async (t) => {
  const vp = await licencePresentation('challenge-0009');
  const creds = structuredClone(vp.verifiableCredential) as JsonObject[];
  creds[0]!['@context'] = [...(creds[0]!['@context'] as string[]), { fullName: 'https://attacker.example#name' }];
  const report = await verify({ ...vp, verifiableCredential: creds }, { challenge: 'challenge-0009' });
  t.is(check(report, 'context')?.code, 'CONTEXT_NOT_ALLOWED');
  t.is(check(report, 'proof')?.result, 'skipped');
});
