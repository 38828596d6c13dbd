// Issue 12: the two verification profiles. `general` is what the W3C
// specifications require of any verifier; `citizen-document` (the default)
// adds the rules our own documents are issued under. Each rule is tested
// under both profiles: the one that refuses, and the one that accepts.

import type { AddressInfo } from 'node:net';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  decodeBase58,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  signCredential,
  signPresentation,
} from '@vneid/core';
import { fixtures, getCredentialType } from '@vneid/schemas';
import test from 'ava';
import express from 'express';
import {
  createVerifierRouter,
  syncStatus,
  type VerificationProfile,
  type VerificationReport,
  verifyCredential,
  verifyPresentation,
} from '../src/index.js';
import { createWorld, derive, issue, NOW, present, publishLists, type World } from './helpers/world.js';

let world: World;
test.before(async () => {
  world = await createWorld();
  await publishLists(world);
  await publishLists(world, { issuer: world.university });
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
});
test.after.always(() => world?.close());

type Extra = Partial<Parameters<typeof verifyCredential>[1]>;
const verify = (vc: unknown, profile?: VerificationProfile, extra: Extra = {}) =>
  verifyCredential(vc, { bundle: world.loaded, statusCache: world.cache, now: NOW, profile, ...extra });
const check = (report: VerificationReport, name: string, target?: string) =>
  report.checks.find((c) => c.check === name && c.target !== 'bundle' && (target === undefined || c.target === target));

const DOMAIN = 'verifier.example';
let challenges = 0;
const verifyVp = (vp: unknown, challenge: string, profile?: VerificationProfile) =>
  verifyPresentation(vp, {
    bundle: world.loaded,
    statusCache: world.cache,
    now: NOW,
    challenge,
    domain: DOMAIN,
    profile,
  });

// A credential of no VNeID type from a did:key issuer, checked under the
// integrity-only policy (the key is the issuer's own).
async function general(key: KeyPair, context: unknown[], subject: JsonObject): Promise<JsonObject> {
  return signCredential({
    credential: {
      '@context': context,
      type: ['VerifiableCredential'],
      issuer: key.controller,
      validFrom: '2026-01-01T00:00:00Z',
      credentialSubject: { id: 'did:example:subject', ...subject },
    },
    key,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader: world.documentLoader,
  });
}
const integrityOnly: Extra = { policy: 'integrity-only' };

test('the default profile is citizen-document', async (t) => {
  const vc = await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022', without: ['holder'] });
  t.is(check(await verify(vc), 'proof')?.code, 'MANDATORY_CLAIM_MISSING');
  t.is(check(await verify(vc, 'citizen-document'), 'proof')?.code, 'MANDATORY_CLAIM_MISSING');
});

// --- proof sets ---------------------------------------------------------------

async function proofSet(): Promise<{ set: JsonObject; proofs: JsonObject[] }> {
  const one = await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022' });
  const { proof, ...unsigned } = one;
  const two = await signCredential({
    credential: unsigned,
    key: world.ministry.key,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader: world.documentLoader,
  });
  const proofs = [proof as JsonObject, two.proof as JsonObject];
  return { set: { ...unsigned, proof: proofs }, proofs };
}

test('general: a proof set verifies when every proof verifies; citizen-document refuses any set', async (t) => {
  const { set } = await proofSet();
  const report = await verify(set, 'general');
  t.true(report.verified, JSON.stringify(report.errors));
  t.is(check(report, 'keyValid')?.result, 'valid');
  const citizen = await verify(set, 'citizen-document');
  t.false(citizen.verified);
  t.is(check(citizen, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
});

test('general: a proof set with one proof that does not verify is refused, whichever proof it is', async (t) => {
  const { set, proofs } = await proofSet();
  const forged = { ...proofs[1], proofValue: `z${'1'.repeat(80)}` };
  for (const broken of [
    [proofs[0], forged],
    [forged, proofs[0]],
  ]) {
    const report = await verify({ ...set, proof: broken }, 'general');
    t.false(report.verified);
    t.is(check(report, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  }
  const stranger = await generateKeyPair({ keyType: 'Ed25519' });
  const { proof: _, ...unsigned } = set;
  const foreign = await signCredential({
    credential: unsigned,
    key: stranger,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader: world.documentLoader,
  });
  // A co-signer outside the bundle whose proof verifies: the issuer's proof carries trust.
  const cosigned = await verify({ ...set, proof: [proofs[0], foreign.proof] }, 'general');
  t.true(cosigned.verified, JSON.stringify(cosigned.errors));
  // Only the stranger's proof: nothing ties the credential to its issuer.
  const alone = await verify({ ...set, proof: [foreign.proof] }, 'general');
  t.is(check(alone, 'issuerTrusted')?.code, 'ISSUER_NOT_TRUSTED');
});

test('the VC API router takes the profile: a proof set is 200 under general, 422 under the default', async (t) => {
  const { set } = await proofSet();
  for (const [profile, status] of [
    ['general', 200],
    [undefined, 422],
  ] as const) {
    const app = express();
    app.use(createVerifierRouter({ bundle: world.loaded, statusCache: world.cache, now: NOW, profile }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ verifiableCredential: set }),
      });
      t.is(response.status, status, String(profile));
    } finally {
      server.close();
    }
  }
});

// --- inline contexts ------------------------------------------------------------

const NEW_TERMS = { nickname: 'https://vocab.example/#nickname', score: 'https://vocab.example/#score' };

test('general: an inline @context that only adds terms is accepted; citizen-document refuses it', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const vc = await general(key, [CREDENTIALS_V2_CONTEXT_URL, NEW_TERMS], { nickname: 'Bé', score: '9' });
  const report = await verify(vc, 'general', integrityOnly);
  t.true(report.verified, JSON.stringify(report.errors));
  t.deepEqual(
    report.credentials[0]?.claims.map((c) => c.field),
    ['nickname', 'score'],
  );
  t.is(check(await verify(vc, 'citizen-document', integrityOnly), 'context')?.code, 'CONTEXT_NOT_ALLOWED');
});

test('general: an inline @context that could change a signed term is refused with CONTEXT_NOT_ALLOWED', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const refused: Array<[string, unknown]> = [
    ['a term of a pinned context (protected)', { name: 'https://attacker.example/#name' }],
    ['@vocab', { '@vocab': 'https://attacker.example/#' }],
    ['@base', { '@base': 'https://attacker.example/' }],
    ['@import', { '@import': CREDENTIALS_V2_CONTEXT_URL }],
    [
      'a scoped context',
      { wrap: { '@id': 'https://vocab.example/#wrap', '@context': { name: 'https://a.example/#n' } } },
    ],
    ['a keyword alias', { ident: '@id' }],
    ['a null definition', { nickname: null }],
    ['a @vocab-typed term', { nickname: { '@id': 'https://vocab.example/#nickname', '@type': '@vocab' } }],
  ];
  for (const [what, inline] of refused) {
    const vc = await general(key, [CREDENTIALS_V2_CONTEXT_URL, NEW_TERMS], { nickname: 'Bé' });
    const tampered = { ...vc, '@context': [CREDENTIALS_V2_CONTEXT_URL, NEW_TERMS, inline] };
    t.is(check(await verify(tampered, 'general', integrityOnly), 'context')?.code, 'CONTEXT_NOT_ALLOWED', what);
  }
  // Redefining a term of one of our (protected) document contexts, as in a forged licence.
  const licence = await derive(world, await issue(world), ['fullName']);
  const forged = {
    ...licence,
    '@context': [...(licence['@context'] as string[]), { fullName: 'https://attacker.example#n' }],
  };
  t.is(check(await verify(forged, 'general'), 'context')?.code, 'CONTEXT_NOT_ALLOWED');
  // A context inside the document: the general profile holds it to the same rules, ours refuses it.
  const inner = await general(key, [CREDENTIALS_V2_CONTEXT_URL, NEW_TERMS], { nickname: 'Bé' });
  const nested = (context: unknown) => ({
    ...inner,
    credentialSubject: { ...(inner.credentialSubject as JsonObject), '@context': context },
  });
  t.is(
    check(await verify(nested({ name: 'https://a.example/#n' }), 'general', integrityOnly), 'context')?.code,
    'CONTEXT_NOT_ALLOWED',
  );
  t.is(
    check(await verify(nested(NEW_TERMS), 'citizen-document', integrityOnly), 'context')?.code,
    'CONTEXT_NOT_ALLOWED',
  );
});

test('general: swapping the values of two inline terms breaks the proof', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const vc = await general(key, [CREDENTIALS_V2_CONTEXT_URL, NEW_TERMS], { nickname: 'Bé', score: '9' });
  const swapped = {
    ...vc,
    credentialSubject: { id: 'did:example:subject', nickname: '9', score: 'Bé' },
  };
  t.is(check(await verify(swapped, 'general', integrityOnly), 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
});

// --- presentations ----------------------------------------------------------------

test('general: a presentation need not be signed by its holder, nor its credentials be about that holder', async (t) => {
  const theirs = await derive(world, await issue(world, { holder: world.otherHolder.controller }), ['fullName']);
  for (const profile of ['general', 'citizen-document'] as const) {
    const challenge = `profiles-${challenges++}`;
    const vp = await present(world, [theirs], { challenge, domain: DOMAIN });
    const report = await verifyVp(vp, challenge, profile);
    if (profile === 'general') {
      t.true(report.verified, JSON.stringify(report.errors));
      t.is(check(report, 'holderBinding')?.result, 'skipped');
    } else {
      t.false(report.verified);
      t.is(check(report, 'holderBinding')?.code, 'HOLDER_MISMATCH');
    }
  }
  // No holder at all, signed by a stranger.
  const stranger = await generateKeyPair({ keyType: 'Ed25519' });
  const challenge = `profiles-${challenges++}`;
  const signed = await signPresentation({
    verifiableCredential: [theirs],
    holderKey: stranger,
    challenge,
    domain: DOMAIN,
    documentLoader: world.documentLoader,
    now: new Date(NOW.getTime() - 30_000),
  });
  t.true((await verifyVp(signed, challenge, 'general')).verified);
  const again = `profiles-${challenges++}`;
  const citizenVp = await signPresentation({
    verifiableCredential: [theirs],
    holderKey: stranger,
    challenge: again,
    domain: DOMAIN,
    documentLoader: world.documentLoader,
    now: new Date(NOW.getTime() - 30_000),
  });
  t.is(check(await verifyVp(citizenVp, again, 'citizen-document'), 'holderBinding')?.code, 'HOLDER_MISMATCH');
});

// --- citizen-document rules -------------------------------------------------------------

test('citizen-document: validUntil is required for types with an expiry field, not for the others', async (t) => {
  t.is(getCredentialType('CitizenIdentityCard').expiryField, 'dateOfExpiry');
  t.is(getCredentialType('UniversityDegree').expiryField, undefined);
  const card = await issue(world, {
    type: 'CitizenIdentityCard',
    cryptosuite: 'eddsa-rdfc-2022',
    without: ['validUntil'],
  });
  const refused = await verify(card, 'citizen-document');
  t.is(check(refused, 'proof')?.code, 'MANDATORY_CLAIM_MISSING');
  t.regex(refused.errors[0]?.message ?? '', /validUntil/);
  t.true((await verify(card, 'general')).verified, 'the general profile follows VCDM: validUntil is optional');
  const degree = await issue(world, {
    type: 'UniversityDegree',
    issuer: world.university,
    cryptosuite: 'eddsa-rdfc-2022',
    without: ['validUntil'],
  });
  const accepted = await verify(degree, 'citizen-document');
  t.true(accepted.verified, JSON.stringify(accepted.errors));
  // The same holds for a derived card: the base without validUntil makes no pointer of it.
  const derived = await derive(world, await issue(world, { type: 'CitizenIdentityCard', without: ['validUntil'] }), [
    'fullName',
  ]);
  t.is(check(await verify(derived, 'citizen-document'), 'proof')?.code, 'MANDATORY_CLAIM_MISSING');
  t.true((await verify(derived, 'general')).verified);
});

test('citizen-document: verifyCredential requires the holder (credentialSubject.id); general does not', async (t) => {
  const holderless = await issue(world, {
    type: 'CitizenIdentityCard',
    cryptosuite: 'eddsa-rdfc-2022',
    without: ['holder'],
  });
  const refused = await verify(holderless, 'citizen-document');
  t.is(check(refused, 'proof')?.code, 'MANDATORY_CLAIM_MISSING');
  t.regex(refused.errors[0]?.message ?? '', /credentialSubject\/id/);
  t.true((await verify(holderless, 'general')).verified);
  t.true(
    (
      await verify(
        await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022' }),
        'citizen-document',
      )
    ).verified,
  );
});

test('citizen-document: a birth date after issuance or in the future is refused even when it is the only field shown', async (t) => {
  for (const dateOfBirth of ['2027-03-01', '2026-03-01']) {
    // validFrom is 2026-01-01 and the clock 2026-06-01: both dates are impossible for a card issued then.
    const subject = { ...fixtures.CitizenIdentityCard, dateOfBirth };
    const vc = await derive(world, await issue(world, { type: 'CitizenIdentityCard', subject }), ['dateOfBirth']);
    const refused = await verify(vc, 'citizen-document');
    t.is(check(refused, 'schema')?.code, 'SCHEMA_VALIDATION_ERROR', dateOfBirth);
    t.regex(refused.errors.map((e) => e.message).join(), /dateOfBirth/);
    t.is(check(await verify(vc, 'general'), 'schema')?.result, 'valid', 'general: only the schema and its rules');
  }
  const honest = await derive(world, await issue(world, { type: 'CitizenIdentityCard' }), ['dateOfBirth']);
  t.true((await verify(honest, 'citizen-document')).verified);
});

test('citizen-document: an extra member inside the proof is refused; the general profile accepts what the suite accepts', async (t) => {
  const vc = await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022' });
  const extra = { ...vc, proof: { ...(vc.proof as JsonObject), '@context': CREDENTIALS_V2_CONTEXT_URL } };
  const refused = await verify(extra, 'citizen-document');
  t.is(check(refused, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  t.regex(refused.errors.map((e) => e.message).join(), /does not define/);
  t.true((await verify(extra, 'general')).verified);
});

test('citizen-document: a proofValue in another multibase encoding is refused; the general profile accepts it', async (t) => {
  const vc = await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022' });
  const proof = vc.proof as JsonObject;
  const bytes = decodeBase58((proof.proofValue as string).slice(1)) as Uint8Array;
  const other = { ...vc, proof: { ...proof, proofValue: `u${Buffer.from(bytes).toString('base64url')}` } };
  t.is(check(await verify(other, 'citizen-document'), 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  t.true((await verify(other, 'general')).verified, 'the library accepts the other encoding');
});

test('citizen-document: the presentation proof too must be in its one form (an extra @context in it is refused)', async (t) => {
  const mine = await derive(world, await issue(world), ['fullName']);
  for (const profile of ['citizen-document', 'general'] as const) {
    const challenge = `profiles-${challenges++}`;
    const vp = await present(world, [mine], { challenge, domain: DOMAIN });
    const extra = { ...vp, proof: { ...(vp.proof as JsonObject), '@context': vp['@context'] } };
    const report = await verifyVp(extra, challenge, profile);
    if (profile === 'general') t.true(report.verified, JSON.stringify(report.errors));
    else t.is(check(report, 'proof', 'presentation')?.code, 'PROOF_VERIFICATION_ERROR');
  }
});
