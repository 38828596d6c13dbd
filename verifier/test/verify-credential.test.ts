import {
  contextDigests,
  generateKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  signCredential,
  W3C_CONTEXTS,
} from '@vneid/core';
import { fixtures, getCredentialType, registeredContexts } from '@vneid/schemas';
import test from 'ava';
import { mutateEveryByte } from '../../packages/core/test/helpers/mutate.js';
import { syncStatus, type VerificationReport, verifyCredential } from '../src/index.js';
import {
  bundleIssuer,
  createWorld,
  derive,
  type Issuer,
  issue,
  NOW,
  publishLists,
  SIGNED_AT,
  type World,
} from './helpers/world.js';

let world: World;
test.before(async () => {
  world = await createWorld();
  await publishLists(world);
  await publishLists(world, { issuer: world.university });
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
});
test.after.always(() => world?.close());

const verify = (vc: unknown, w: World = world, extra: Partial<Parameters<typeof verifyCredential>[1]> = {}) =>
  verifyCredential(vc, { bundle: w.loaded, statusCache: w.cache, now: NOW, ...extra });

function check(report: VerificationReport, name: string) {
  return report.checks.find((c) => c.check === name && c.target !== 'bundle');
}

test('a selectively disclosed driving licence verifies with every check valid and labelled claims', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName', 'licenceClasses']);
  const report = await verify(vc);
  t.true(report.verified, JSON.stringify(report.errors));
  t.is(report.status, 'verified');
  for (const c of report.checks) t.is(c.result, 'valid', c.check);
  const [credential] = report.credentials;
  t.is(credential?.type, 'DrivingLicence');
  t.deepEqual(credential?.issuer.name, { vi: 'Bộ Công an', en: 'Ministry of Public Security' });
  t.deepEqual(
    credential?.claims.map((c) => [c.field, c.label.vi]),
    [
      ['fullName', 'Họ, chữ đệm và tên'],
      ['licenceClasses', 'Hạng giấy phép lái xe'],
    ],
  );
  t.is(credential?.claims[0]?.value, fixtures.DrivingLicence.fullName);
});

for (const cryptosuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019'] as const) {
  test(`a citizen identity card signed with ${cryptosuite} verifies`, async (t) => {
    const report = await verify(await issue(world, { type: 'CitizenIdentityCard', cryptosuite }));
    t.true(report.verified, JSON.stringify(report.errors));
  });

  test(`${cryptosuite}: changing any byte of the proofValue fails the proof with PROOF_VERIFICATION_ERROR`, async (t) => {
    const signed = (await issue(world, { type: 'CitizenIdentityCard', cryptosuite })) as JsonObject & {
      proof: JsonObject;
    };
    let n = 0;
    for (const proofValue of mutateEveryByte(signed.proof.proofValue as string)) {
      const report = await verify({ ...signed, proof: { ...signed.proof, proofValue } });
      t.false(report.verified);
      t.is(check(report, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
      t.deepEqual(report.credentials, []);
      n += 1;
    }
    t.is(n, 64);
  });
}

test('ecdsa-sd-2023: changing any byte of a derived proofValue fails with PROOF_VERIFICATION_ERROR', async (t) => {
  const vc = (await derive(world, await issue(world), ['fullName'])) as JsonObject & { proof: JsonObject };
  let n = 0;
  for (const proofValue of mutateEveryByte(vc.proof.proofValue as string)) {
    const report = await verify({ ...vc, proof: { ...vc.proof, proofValue } });
    t.false(report.verified);
    // Byte 2 is the CBOR header's last byte: 0x01 → 0x00 turns it into a base-proof header.
    t.is(check(report, 'proof')?.code, n === 2 ? 'BASE_PROOF_PRESENTED' : 'PROOF_VERIFICATION_ERROR', `byte ${n}`);
    n += 1;
  }
  t.true(n > 100);
});

test('a tampered disclosed claim fails the proof with PROOF_VERIFICATION_ERROR and shows no claims', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const subject = vc.credentialSubject as JsonObject;
  const report = await verify({ ...vc, credentialSubject: { ...subject, fullName: 'Trần Văn Giả' } });
  t.false(report.verified);
  t.is(check(report, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  t.deepEqual(report.credentials, []);
});

test('a claim injected beside the disclosed ones is refused with CLAIM_INJECTED', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const subject = vc.credentialSubject as JsonObject;
  const report = await verify({ ...vc, credentialSubject: { ...subject, licenceNumber: '010250099999' } });
  t.false(report.verified);
  t.is(check(report, 'proof')?.code, 'CLAIM_INJECTED');
  t.deepEqual(report.credentials, []);
});

test('a "__proto__" claim smuggled into a derived credential is refused with UNSAFE_JSON', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const text = JSON.stringify(vc).replace(
    '"credentialSubject":{',
    '"credentialSubject":{"__proto__":{"licenceClasses":[{"licenceClass":"FC"}]},',
  );
  const report = await verify(JSON.parse(text));
  t.false(report.verified);
  t.is(check(report, 'proof')?.code, 'UNSAFE_JSON');
});

test('a derived credential with validUntil removed fails the proof: it was a mandatory pointer of the base', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  t.truthy(vc.validUntil);
  delete vc.validUntil;
  const report = await verify(vc);
  t.is(check(report, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
  t.false(report.verified);
});

test('the issuer’s base proof is refused with BASE_PROOF_PRESENTED', async (t) => {
  const report = await verify(await issue(world));
  t.is(check(report, 'proof')?.code, 'BASE_PROOF_PRESENTED');
});

for (const pointer of ['validFrom', 'credentialStatus', 'credentialSchema'] as const) {
  test(`a derived credential with ${pointer} removed is refused with MANDATORY_CLAIM_MISSING before the proof`, async (t) => {
    const vc = await derive(world, await issue(world), ['fullName']);
    delete vc[pointer];
    const report = await verify(vc);
    t.is(check(report, 'proof')?.code, 'MANDATORY_CLAIM_MISSING');
    t.is(check(report, 'issuerTrusted')?.result, 'skipped');
  });
}

test('a key that is not the issuer’s in the bundle (a did:key claiming the ministry) fails issuerTrusted with ISSUER_NOT_TRUSTED', async (t) => {
  const rogue = await generateKeyPair({ keyType: 'P-256' });
  const vc = await derive(world, await issue(world, { key: rogue }), ['fullName']);
  const report = await verify(vc);
  t.is(check(report, 'proof')?.result, 'valid');
  t.is(check(report, 'issuerTrusted')?.code, 'ISSUER_NOT_TRUSTED');
  t.false(report.verified);
});

test('a forged key reusing the ministry’s key id fails the proof with PROOF_VERIFICATION_ERROR', async (t) => {
  const forger = await generateKeyPair({ keyType: 'P-256', controller: world.ministry.did, id: world.ministry.key.id });
  const vc = await derive(world, await issue(world, { key: forger }), ['fullName']);
  const report = await verify(vc);
  t.is(check(report, 'proof')?.code, 'PROOF_VERIFICATION_ERROR');
});

test('an issuer that is not in the bundle fails with ISSUER_NOT_TRUSTED', async (t) => {
  const fake: Issuer = {
    did: 'did:web:bocongan-gov.example',
    key: await generateKeyPair({
      keyType: 'P-256',
      controller: 'did:web:bocongan-gov.example',
      id: 'did:web:bocongan-gov.example#key-1',
    }),
    edKey: await generateKeyPair({ keyType: 'Ed25519' }),
  };
  const report = await verify(await issue(world, { issuer: fake, cryptosuite: 'ecdsa-rdfc-2019' }));
  t.false(report.verified);
  t.is(check(report, 'issuerTrusted')?.code, 'ISSUER_NOT_TRUSTED');
  t.is(check(report, 'proof')?.result, 'invalid');
});

test('a university issuing a citizen identity card fails with ISSUER_NOT_AUTHORIZED', async (t) => {
  const vc = await derive(world, await issue(world, { issuer: world.university, type: 'CitizenIdentityCard' }), [
    'fullName',
  ]);
  const report = await verify(vc);
  t.is(check(report, 'proof')?.result, 'valid');
  t.is(check(report, 'issuerTrusted')?.result, 'valid');
  t.is(check(report, 'issuerAuthorized')?.code, 'ISSUER_NOT_AUTHORIZED');
  const degree = await derive(world, await issue(world, { issuer: world.university, type: 'UniversityDegree' }), [
    'degreeTitle',
  ]);
  t.true((await verify(degree)).verified);
});

for (const cryptosuite of ['ecdsa-sd-2023', 'ecdsa-rdfc-2019'] as const) {
  test(`${cryptosuite}: a university claiming CitizenIdentityCard beside UniversityDegree fails with CREDENTIAL_TYPE_CONFLICT`, async (t) => {
    const base = await issue(world, {
      issuer: world.university,
      type: 'CitizenIdentityCard',
      alsoTypes: ['UniversityDegree'],
      subject: { ...fixtures.CitizenIdentityCard, fullName: 'Giả Mạo Bởi Trường' },
      cryptosuite,
    });
    const vc = cryptosuite === 'ecdsa-sd-2023' ? await derive(world, base, ['fullName']) : base;
    const report = await verify(vc);
    t.is(check(report, 'proof')?.result, 'valid');
    t.is(check(report, 'issuerTrusted')?.result, 'valid');
    t.is(check(report, 'issuerAuthorized')?.code, 'CREDENTIAL_TYPE_CONFLICT');
    t.false(report.verified);
  });
}

test('keys outside their window: compromised → KEY_COMPROMISED whatever the proof says, not yet valid → KEY_NOT_VALID', async (t) => {
  const w = await createWorld({
    issuers: ({ ministry }) => {
      const entry = bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['DrivingLicence'],
        statusLists: [],
      });
      entry.verificationMethods[0]!.compromisedSince = '2026-04-01T00:00:00Z';
      entry.verificationMethods[1]!.validFrom = '2026-05-15T00:00:00Z';
      return [entry];
    },
  });
  t.teardown(() => w.close());
  const after = await verify(await derive(w, await issue(w), ['fullName']), w);
  t.is(check(after, 'keyValid')?.code, 'KEY_COMPROMISED');
  // A thief holding the key writes any "created" it likes: a date before the
  // compromise proves nothing, so the signature is refused all the same.
  const before = await verify(
    await derive(w, await issue(w, { signedAt: new Date('2026-03-01T00:00:00Z') }), ['fullName']),
    w,
  );
  t.is(check(before, 'keyValid')?.code, 'KEY_COMPROMISED');
  const early = await verify(await issue(w, { cryptosuite: 'eddsa-rdfc-2022' }), w);
  t.is(check(early, 'keyValid')?.code, 'KEY_NOT_VALID');
});

test('a stolen key backdating "created" to before its compromise is refused with KEY_COMPROMISED; a retired key is not', async (t) => {
  const compromisedSince = new Date(NOW.getTime() - 3_600_000).toISOString();
  const w = await createWorld({
    issuers: ({ ministry }) => {
      const entry = bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['CitizenIdentityCard'],
        statusLists: [],
      });
      entry.verificationMethods[0]!.compromisedSince = compromisedSince;
      // Retired, not stolen: its holder destroyed it, so its dates are honest.
      entry.verificationMethods[1]!.validUntil = compromisedSince;
      return [entry];
    },
  });
  t.teardown(() => w.close());
  // Signed now by the thief, dated two hours ago (one hour before the compromise).
  const twoHoursAgo = new Date(NOW.getTime() - 7_200_000);
  for (const cryptosuite of ['ecdsa-rdfc-2019', 'ecdsa-sd-2023'] as const) {
    let forged = await issue(w, { type: 'CitizenIdentityCard', cryptosuite, signedAt: twoHoursAgo });
    if (cryptosuite === 'ecdsa-sd-2023') forged = await derive(w, forged, ['fullName']);
    const report = await verify(forged, w);
    t.is(check(report, 'proof')?.result, 'valid', cryptosuite);
    t.is(check(report, 'keyValid')?.code, 'KEY_COMPROMISED', cryptosuite);
    t.false(report.verified);
    t.true(report.errors.some((e) => e.code === 'KEY_COMPROMISED'));
  }
  const retired = await verify(
    await issue(w, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022', signedAt: twoHoursAgo }),
    w,
  );
  t.is(check(retired, 'keyValid')?.result, 'valid');
  const afterRetirement = await verify(
    await issue(w, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022', signedAt: NOW }),
    w,
  );
  t.is(check(afterRetirement, 'keyValid')?.code, 'KEY_NOT_VALID');
});

test('a credential whose validFrom is later than its validUntil is refused with MALFORMED_VALUE_ERROR, even inside both dates with skew', async (t) => {
  const inverted = await issue(world, {
    cryptosuite: 'eddsa-rdfc-2022',
    validFrom: '2026-06-01T08:10:00Z',
    validUntil: '2026-06-01T07:50:00Z',
  });
  const report = await verify(inverted, world, { clockSkewSeconds: 3600 });
  t.is(check(report, 'proof')?.result, 'valid');
  t.is(check(report, 'validityPeriod')?.code, 'MALFORMED_VALUE_ERROR');
  t.false(report.verified);
  // Same dates the right way round, same skew: valid.
  const ordered = await issue(world, {
    cryptosuite: 'eddsa-rdfc-2022',
    validFrom: '2026-06-01T07:50:00Z',
    validUntil: '2026-06-01T08:10:00Z',
  });
  t.is(check(await verify(ordered, world, { clockSkewSeconds: 3600 }), 'validityPeriod')?.result, 'valid');
});

test('validity period with the injected clock: expired → CREDENTIAL_EXPIRED, future → CREDENTIAL_NOT_YET_VALID, skew explicit', async (t) => {
  const expired = await derive(world, await issue(world, { validUntil: '2026-05-31T08:00:00Z' }), ['fullName']);
  const r1 = await verify(expired);
  t.is(check(r1, 'validityPeriod')?.code, 'CREDENTIAL_EXPIRED');
  const future = await derive(world, await issue(world, { validFrom: '2026-06-01T08:05:00Z' }), ['fullName']);
  t.is(check(await verify(future), 'validityPeriod')?.code, 'CREDENTIAL_NOT_YET_VALID');
  t.is(check(await verify(future, world, { clockSkewSeconds: 600 }), 'validityPeriod')?.result, 'valid');
});

test('a subject the schema forbids is reported with SCHEMA_VALIDATION_ERROR; derived subjects are not held to "required"', async (t) => {
  const subject = { ...fixtures.CitizenIdentityCard, personalIdentificationNumber: '12345' };
  const report = await verify(
    await issue(world, { type: 'CitizenIdentityCard', cryptosuite: 'eddsa-rdfc-2022', subject }),
  );
  t.is(check(report, 'schema')?.code, 'SCHEMA_VALIDATION_ERROR');
  const partial = await derive(world, await issue(world, { type: 'CitizenIdentityCard' }), ['fullName']);
  t.is(check(await verify(partial), 'schema')?.result, 'valid');
});

test('a context the bundle does not pin is refused with CONTEXT_NOT_ALLOWED before any proof work', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const extra = { ...vc, '@context': [...(vc['@context'] as string[]), 'https://attacker.example/ctx'] };
  const r1 = await verify(extra);
  t.is(check(r1, 'context')?.code, 'CONTEXT_NOT_ALLOWED');
  t.is(check(r1, 'proof')?.result, 'skipped');
  const inline = { ...vc, '@context': [...(vc['@context'] as string[]), { fullName: 'https://attacker.example#n' }] };
  t.is(check(await verify(inline), 'context')?.code, 'CONTEXT_NOT_ALLOWED');
});

test('a context whose pinned digest differs from the local copy is refused with CONTEXT_NOT_ALLOWED', async (t) => {
  const contexts = {
    ...contextDigests(W3C_CONTEXTS),
    ...contextDigests(registeredContexts() as Map<string, JsonLdContextDocument>),
    [getCredentialType('DrivingLicence').contextUrl]: `sha256-${'A'.repeat(43)}=`,
  };
  const w = await createWorld({ contexts });
  t.teardown(() => w.close());
  const report = await verify(await derive(w, await issue(w), ['fullName']), w);
  t.is(check(report, 'context')?.code, 'CONTEXT_NOT_ALLOWED');
});

test('poison inputs are refused with INPUT_LIMIT_EXCEEDED before JSON-LD: 20,000 entries, 5,000 claims, 100 levels, 2 MB', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const subject = vc.credentialSubject as JsonObject;
  let deep: unknown = 'x';
  for (let i = 0; i < 100; i++) deep = { a: deep };
  const claims = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`claim${i}`, 'x']));
  const poisons = [
    { ...vc, credentialSubject: { ...subject, list: new Array(20_000).fill('x') } },
    { ...vc, credentialSubject: { ...subject, ...claims } },
    { ...vc, credentialSubject: { ...subject, deep } },
    { ...vc, credentialSubject: { ...subject, fullName: 'x'.repeat(2 * 1024 * 1024) } },
  ];
  for (const poison of poisons) {
    const report = await verify(poison);
    t.false(report.verified);
    t.is(check(report, 'proof')?.code, 'INPUT_LIMIT_EXCEEDED');
  }
});

test('non-object input is reported, not thrown', async (t) => {
  for (const input of [null, 42, 'credential', [1, 2]]) {
    const report = await verify(input);
    t.false(report.verified);
    t.is(report.status, 'not-verified');
  }
});

test('a status entry with a malformed index ("94567abc") is invalid with MALFORMED_VALUE_ERROR', async (t) => {
  const base = await issue(world, { cryptosuite: 'ecdsa-rdfc-2019' });
  const { proof: _p, ...unsigned } = base;
  const statuses = structuredClone(unsigned.credentialStatus) as Array<Record<string, string>>;
  statuses[0]!.statusListIndex = '94567abc';
  const vc = await signCredential({
    credential: { ...unsigned, credentialStatus: statuses },
    key: world.ministry.key,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader: world.documentLoader,
    now: new Date('2026-05-01T00:00:00Z'),
  });
  const report = await verify(vc);
  t.is(check(report, 'revocation')?.code, 'MALFORMED_VALUE_ERROR');
});

test('options.checks runs only the named checks; the others are skipped', async (t) => {
  const vc = await derive(world, await issue(world, { validUntil: '2026-05-01T09:00:00Z' }), ['fullName']);
  const report = await verify(vc, world, { checks: ['proof'] });
  t.true(report.verified);
  t.is(check(report, 'validityPeriod')?.result, 'skipped');
  t.is(check(report, 'proof')?.result, 'valid');
});

test('a VNeID credential without a suspension entry (it could never be suspended) fails with STATUS_VERIFICATION_ERROR', async (t) => {
  const base = await issue(world, { cryptosuite: 'ecdsa-rdfc-2019' });
  const { proof: _proof, ...unsigned } = base;
  const onlyRevocation = (unsigned.credentialStatus as JsonObject[]).filter((e) => e.statusPurpose === 'revocation');
  const resigned = await signCredential({
    credential: { ...unsigned, credentialStatus: onlyRevocation },
    key: world.ministry.key,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader: world.documentLoader,
    now: SIGNED_AT,
  });
  const report = await verify(resigned);
  t.is(check(report, 'proof')?.result, 'valid');
  t.is(check(report, 'suspension')?.code, 'STATUS_VERIFICATION_ERROR');
  t.false(report.verified);
});
