import { generateKeyPair, type RelyingPartyRegistration } from '@vneid/core';
import test from 'ava';
import {
  buildPresentationRequest,
  createAccountabilityLog,
  createTrustBundle,
  loadTrustBundle,
  signTrustBundle,
  verifyAccountabilityLog,
} from '../src/index.js';

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;
const NOW = new Date('2026-06-01T08:00:00Z');
const SOCIAL: RelyingPartyRegistration = {
  id: 'mangxahoi.example.vn',
  name: { vi: 'Mạng xã hội Ví dụ', en: 'Example Social' },
  registration: 'BTTTT-2026-0042',
  retention: 'P30D',
  credentials: [
    { type: 'AgeAttestation', fields: ['ageOver16'] },
    { type: 'CitizenIdentityCard', fields: ['fullName'] },
  ],
};

async function bundleWith(relyingParties: unknown) {
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const unsigned = createTrustBundle({
    version: 1,
    issuedAt: NOW,
    validUntil: new Date(NOW.getTime() + 86_400_000),
    issuers: [],
    relyingParties: relyingParties as RelyingPartyRegistration[],
  });
  const signed = await signTrustBundle(unsigned, anchor, { now: NOW });
  return loadTrustBundle(JSON.stringify(signed), { anchorKey: anchor.publicKeyMultibase, now: NOW });
}

test('a social network may ask for age over 16 and a verified name, not the ID number or the address', async (t) => {
  const bundle = await bundleWith([SOCIAL]);
  const request = buildPresentationRequest({
    bundle,
    verifier: SOCIAL.id,
    challenge: 'challenge-0001-c0ffee',
    queries: [
      { type: 'AgeAttestation', fields: ['ageOver16'], reason: 'Xác minh độ tuổi' },
      { type: 'CitizenIdentityCard', fields: ['fullName'], reason: 'Xác minh danh tính' },
    ],
  });
  t.is(request.domain, SOCIAL.id);
  const greedy = t.throws(() =>
    buildPresentationRequest({
      bundle,
      verifier: SOCIAL.id,
      challenge: 'challenge-0001-c0ffee',
      queries: [
        {
          type: 'CitizenIdentityCard',
          fields: ['fullName', 'personalIdentificationNumber', 'placeOfResidence'],
          reason: 'x',
        },
      ],
    }),
  );
  t.is(codeOf(greedy), 'FIELDS_NOT_REGISTERED');
  t.deepEqual((greedy as { details?: { fields: unknown } }).details?.fields, [
    { type: 'CitizenIdentityCard', field: 'personalIdentificationNumber' },
    { type: 'CitizenIdentityCard', field: 'placeOfResidence' },
  ]);
  const stranger = t.throws(() =>
    buildPresentationRequest({ bundle, verifier: 'la.example.com', challenge: 'challenge-0001-c0ffee', queries: [] }),
  );
  t.is(codeOf(stranger), 'RELYING_PARTY_NOT_REGISTERED');
});

test('a malformed relying-party member makes the bundle malformed', async (t) => {
  for (const bad of [
    [{ ...SOCIAL, id: 'Not A Domain' }],
    [SOCIAL, SOCIAL],
    [{ ...SOCIAL, credentials: [{ type: 'AgeAttestation', fields: ['__proto__x y'] }] }],
    [{ ...SOCIAL, extra: 1 }],
  ]) {
    t.is(codeOf(await t.throwsAsync(bundleWith(bad))), 'MALFORMED_VALUE_ERROR');
  }
});

test('the accountability log is hash-chained and holds no attribute values; an edit or a cut tail is detected', (t) => {
  const log = createAccountabilityLog({ verifier: SOCIAL.id, now: () => NOW });
  log.record({
    asked: [{ type: 'AgeAttestation', fields: ['ageOver16'] }],
    purpose: ['Xác minh độ tuổi'],
    verified: true,
  });
  const second = log.record({
    asked: [{ type: 'AgeAttestation', fields: ['ageOver16'] }],
    purpose: ['Xác minh độ tuổi'],
    verified: false,
    codes: ['CHALLENGE_REPLAYED'],
  });
  const entries = log.entries();
  t.notThrows(() => verifyAccountabilityLog(entries, { anchor: second.hash }));
  const edited = structuredClone(entries);
  edited[0]!.result = 'refused';
  t.is(codeOf(t.throws(() => verifyAccountabilityLog(edited))), 'ACCOUNTABILITY_LOG_TAMPERED');
  t.is(
    codeOf(t.throws(() => verifyAccountabilityLog(entries.slice(0, 1), { anchor: second.hash }))),
    'ACCOUNTABILITY_LOG_TAMPERED',
  );
  t.deepEqual(Object.keys(entries[1]!).sort(), [
    'asked',
    'at',
    'codes',
    'hash',
    'prev',
    'purpose',
    'result',
    'seq',
    'verifier',
  ]);
});
