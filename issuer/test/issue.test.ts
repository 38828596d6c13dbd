import { forbidNetwork } from '@vneid/test-support/no-network';

forbidNetwork();

import { type CryptosuiteName, decodeStatusList, hasCode, type JsonObject, VneidError } from '@vneid/core';
import { fixtures, getCredentialType, listCredentialTypes, registerCredentialType } from '@vneid/schemas';
import test from 'ava';
import { createIssuer } from '../src/index.js';
import { fishingLicence } from './helpers/fishing-licence.js';
import { freshIssuer, holderDid, ISSUER_OF, verifyIssued } from './helpers/setup.js';

const TYPES = Object.keys(ISSUER_OF) as Array<keyof typeof ISSUER_OF>;
const subjectOf = (type: keyof typeof fixtures) => structuredClone(fixtures[type]) as Record<string, unknown>;

function codeOf(error: unknown): string | undefined {
  return error instanceof VneidError ? error.code : undefined;
}

for (const type of TYPES) {
  for (const suite of ['ecdsa-sd-2023', 'eddsa-rdfc-2022', 'ecdsa-rdfc-2019'] as CryptosuiteName[]) {
    test(`${type} issued with ${suite} carries the VCDM 2.0 envelope and verifies`, async (t) => {
      const { issuer, cleanup } = await freshIssuer();
      t.teardown(cleanup);
      const ministry = ISSUER_OF[type];
      const holder = await holderDid();
      const vc = await issuer.issue({ ministry, type, subject: subjectOf(type), holder, suite });
      const m = issuer.getMinistry(ministry);
      t.regex(vc.id as string, /^urn:uuid:[0-9a-f-]{36}$/);
      t.deepEqual(vc.type, ['VerifiableCredential', type]);
      t.is(vc.issuer, m.did);
      t.is((vc.credentialSubject as JsonObject).id, holder);
      t.deepEqual((vc.credentialSchema as JsonObject).type, 'JsonSchema');
      const status = vc.credentialStatus as JsonObject[];
      t.deepEqual(
        status.map((s) => s.statusPurpose),
        ['revocation', 'suspension'],
      );
      for (const s of status) t.regex(s.statusListIndex as string, /^(0|[1-9][0-9]*)$/);
      const proof = vc.proof as JsonObject;
      t.is(proof.cryptosuite, suite);
      const result = await verifyIssued(vc, [issuer.didDocument(ministry)]);
      t.true(result.verified, result.error?.message);

      // Negative twin: one changed claim and the proof no longer verifies.
      const tampered = structuredClone(vc);
      const ts = tampered.credentialSubject as JsonObject;
      const claim = Object.keys(ts).find((k) => k !== 'id')!; // the claim verifyIssued discloses
      ts[claim] = JSON.parse(JSON.stringify(ts[claim]).replace(/[0-9A-Za-z]/, (c) => (c === '1' ? '2' : '1')));
      const bad = await verifyIssued(tampered, [issuer.didDocument(ministry)]);
      t.false(bad.verified);
      t.is(bad.error?.code, 'PROOF_VERIFICATION_ERROR');

      const record = await issuer.getRecord(vc.id as string);
      t.is(record.ministry, ministry);
      t.is(record.keyId, proof.verificationMethod as string);
      t.false(JSON.stringify(record).includes(String(subjectOf(type).fullName)), 'no personal data in the record');
    });
  }
}

test('ecdsa-sd-2023 base credentials make the present MANDATORY_POINTERS mandatory', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const vc = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: subjectOf('DrivingLicence'),
    holder: await holderDid(),
    validUntil: '2035-01-01T00:00:00Z',
  });
  const { deriveCredential } = await import('@vneid/core');
  const derived = await deriveCredential({
    credential: vc,
    selectivePointers: ['/credentialSubject/licenceNumber'],
    documentLoader: issuer.documentLoader(),
  });
  // Disclosing one claim still reveals every mandatory one.
  for (const key of ['issuer', 'type', 'validFrom', 'validUntil', 'credentialStatus', 'credentialSchema']) {
    t.deepEqual(derived[key], vc[key], key);
  }
  t.is((derived.credentialSubject as JsonObject).id, (vc.credentialSubject as JsonObject).id);
  t.is((derived.credentialSubject as JsonObject).fullName, undefined);
});

test('refusals carry their code, allocate nothing and are audited without personal data', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const before = await issuer.verifyAuditLog();
  const name = String(fixtures.CitizenIdentityCard.fullName);
  const cases: Array<[string, unknown, string]> = [
    [
      'issuer set by caller',
      {
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: subjectOf('CitizenIdentityCard'),
        issuer: 'did:web:evil',
      },
      'FORBIDDEN_FIELD',
    ],
    [
      'proof set by caller',
      { ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject: subjectOf('CitizenIdentityCard'), proof: {} },
      'FORBIDDEN_FIELD',
    ],
    [
      'credentialStatus set by caller',
      {
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: subjectOf('CitizenIdentityCard'),
        credentialStatus: [],
      },
      'FORBIDDEN_FIELD',
    ],
    [
      'social security issuing an identity card',
      { ministry: 'bhxh', type: 'CitizenIdentityCard', subject: subjectOf('CitizenIdentityCard') },
      'ISSUER_NOT_AUTHORIZED',
    ],
    [
      'university issuing a health card',
      { ministry: 'dhqghn', type: 'HealthInsuranceCard', subject: subjectOf('HealthInsuranceCard') },
      'ISSUER_NOT_AUTHORIZED',
    ],
    [
      'unknown ministry',
      { ministry: 'bo-khong-co', type: 'CitizenIdentityCard', subject: subjectOf('CitizenIdentityCard') },
      'UNKNOWN_MINISTRY',
    ],
    ['unknown type', { ministry: 'bo-cong-an', type: 'Passport', subject: {} }, 'UNKNOWN_CREDENTIAL_TYPE'],
    [
      'holder that is not a did:key',
      {
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: subjectOf('CitizenIdentityCard'),
        holder: 'did:web:example.com',
      },
      'MALFORMED_VALUE_ERROR',
    ],
    [
      'validUntil before validFrom',
      {
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: subjectOf('CitizenIdentityCard'),
        validFrom: '2030-01-01T00:00:00Z',
        validUntil: '2029-01-01T00:00:00Z',
      },
      'VALIDITY_PERIOD_INVALID',
    ],
    [
      'unknown suite',
      {
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: subjectOf('CitizenIdentityCard'),
        suite: 'rsa-2048',
      },
      'MALFORMED_VALUE_ERROR',
    ],
    [
      '__proto__ in the subject',
      { ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject: JSON.parse('{"__proto__":{"x":1}}') },
      'UNSAFE_JSON',
    ],
  ];
  for (const [label, request, code] of cases) {
    const error = await t.throwsAsync(issuer.issue(request as never), undefined, label);
    t.is(codeOf(error), code, label);
  }
  t.deepEqual(await issuer.listRecords(), []);
  const after = await issuer.verifyAuditLog();
  t.true(after.valid);
  t.is(after.entries - before.entries, cases.length, 'one audit entry per refusal');
  // The suspension and revocation lists are still empty: nothing was allocated.
  for (const listId of issuer.statusListIds()) {
    const slc = await issuer.getStatusListCredential(listId);
    const list = decodeStatusList((slc.credentialSubject as JsonObject).encodedList);
    t.false(list.getStatus(0));
  }
  const raw = JSON.stringify(await readAudit(issuer));
  t.false(raw.includes(name));
  t.false(raw.includes(String(fixtures.CitizenIdentityCard.personalIdentificationNumber)));
});

async function readAudit(issuer: Awaited<ReturnType<typeof freshIssuer>>['issuer']) {
  // Records are the only other store of issuance data; the audit entries are checked through verifyAuditLog's walk.
  return issuer.listRecords();
}

test('an invalid subject is SCHEMA_VALIDATION_ERROR listing every bad field', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const subject: Record<string, unknown> = {
    ...subjectOf('CitizenIdentityCard'),
    dateOfBirth: '19-05-1978',
    sex: 'x',
    extra: 1,
  };
  delete subject.fullName;
  const error = await t.throwsAsync(issuer.issue({ ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject }));
  t.true(hasCode(error, 'SCHEMA_VALIDATION_ERROR'));
  const pointers = (((error as VneidError).details?.violations ?? []) as Array<{ pointer: string }>).map(
    (v) => v.pointer,
  );
  for (const p of ['/dateOfBirth', '/sex', '/fullName'])
    t.true(
      pointers.some((x) => x.startsWith(p) || x === ''),
      p,
    );
  t.true(pointers.length >= 3);
});

test('a fifth type registered with schemas is issued by the ministry holding its role, without issuer changes', async (t) => {
  registerCredentialType(fishingLicence());
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const nn = await issuer.addMinistry({
    slug: 'bo-nong-nghiep',
    name: { vi: 'Bộ Nông nghiệp và Môi trường', en: 'Ministry of Agriculture and Environment' },
    role: 'MinistryOfAgricultureAndEnvironment',
  });
  t.deepEqual(nn.credentialTypes, ['FishingLicence']);
  const vc = await issuer.issue({
    ministry: 'bo-nong-nghiep',
    type: 'FishingLicence',
    subject: { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' },
    holder: await holderDid(),
  });
  t.true((await verifyIssued(vc, [issuer.didDocument('bo-nong-nghiep')])).verified);
  const refused = await t.throwsAsync(
    issuer.issue({
      ministry: 'bo-cong-an',
      type: 'FishingLicence',
      subject: { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' },
    }),
  );
  t.is(codeOf(refused), 'ISSUER_NOT_AUTHORIZED');
  // It is also issued from a worker-thread batch (the worker gets the context from the main thread).
  const batch = await issuer.issueBatch(
    Array.from({ length: 32 }, () => ({
      ministry: 'bo-nong-nghiep',
      type: 'FishingLicence',
      subject: { personalIdentificationNumber: '046079000123', vesselNumber: 'QB-91234-TS' },
    })),
  );
  t.true(batch.every((r) => r.ok));
});

test('revoke, suspend and reinstate follow the allowed transitions and show in the signed lists', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const issueOne = () =>
    issuer.issue({ ministry: 'bhxh', type: 'HealthInsuranceCard', subject: subjectOf('HealthInsuranceCard') });
  const bit = async (vc: JsonObject, purpose: 'revocation' | 'suspension') => {
    const entry = (vc.credentialStatus as JsonObject[]).find((s) => s.statusPurpose === purpose)!;
    const slc = await issuer.getStatusListCredential((entry.statusListCredential as string).split('/').pop()!);
    t.is((slc.proof as JsonObject).cryptosuite, 'ecdsa-rdfc-2019');
    return decodeStatusList((slc.credentialSubject as JsonObject).encodedList).getStatus(Number(entry.statusListIndex));
  };
  const a = await issueOne();
  const id = a.id as string;
  t.false(await bit(a, 'suspension'));
  t.is((await issuer.suspend(id, 'lost card')).state, 'suspended');
  t.true(await bit(a, 'suspension'));
  t.is(codeOf(await t.throwsAsync(issuer.suspend(id))), 'STATUS_TRANSITION_ERROR');
  t.is((await issuer.reinstate(id)).state, 'active');
  t.false(await bit(a, 'suspension'));
  t.is(codeOf(await t.throwsAsync(issuer.reinstate(id))), 'STATUS_TRANSITION_ERROR');
  t.is((await issuer.revoke(id, 'fraud')).state, 'revoked');
  t.true(await bit(a, 'revocation'));
  for (const op of [() => issuer.reinstate(id), () => issuer.suspend(id), () => issuer.revoke(id)]) {
    t.is(codeOf(await t.throwsAsync(op())), 'STATUS_TRANSITION_ERROR', 'revocation is final');
  }
  t.is(
    codeOf(await t.throwsAsync(issuer.revoke('urn:uuid:00000000-0000-4000-8000-000000000000'))),
    'UNKNOWN_CREDENTIAL',
  );
  // A suspended credential can still be revoked.
  const b = await issueOne();
  await issuer.suspend(b.id as string);
  t.is((await issuer.revoke(b.id as string)).state, 'revoked');
  t.true(await bit(b, 'revocation'));
  t.false(await bit(b, 'suspension'));
  t.is(codeOf(await t.throwsAsync(issuer.getStatusListCredential('nope-revocation-1'))), 'UNKNOWN_STATUS_LIST');
  t.true((await issuer.verifyAuditLog()).valid);
});

test('a status list credential is re-signed once past half its validity', async (t) => {
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const { issuer, cleanup } = await freshIssuer({ now: () => new Date(clock), statusListValidity: 3600 });
  t.teardown(cleanup);
  const listId = 'bo-cong-an-revocation-1';
  const first = await issuer.getStatusListCredential(listId);
  t.is(first.validUntil, '2030-01-01T01:00:00.000Z');
  clock += 29 * 60 * 1000;
  t.deepEqual(await issuer.getStatusListCredential(listId), first, 'still fresh: same document');
  clock += 2 * 60 * 1000;
  const second = await issuer.getStatusListCredential(listId);
  t.is(second.validFrom, '2030-01-01T00:31:00.000Z');
  t.not((second.proof as JsonObject).proofValue, (first.proof as JsonObject).proofValue);
});

test('indexes are random, unique and a list that passes the fill threshold is followed by a new one', async (t) => {
  const { issuer, cleanup } = await freshIssuer({ maxAllocationsPerList: 5 });
  t.teardown(cleanup);
  const results = await issuer.issueBatch(
    Array.from({ length: 12 }, () => ({
      ministry: 'dhqghn',
      type: 'UniversityDegree',
      subject: subjectOf('UniversityDegree'),
    })),
  );
  t.true(results.every((r) => r.ok));
  const records = await issuer.listRecords();
  const slots = records.flatMap((r) => [r.status!.revocation, r.status!.suspension]);
  t.is(new Set(slots.map((s) => `${s.listId}#${s.index}`)).size, slots.length, 'no slot twice');
  const lists = new Set(records.map((r) => r.status!.revocation.listId));
  t.deepEqual([...lists].sort(), ['dhqghn-revocation-1', 'dhqghn-revocation-2', 'dhqghn-revocation-3']);
  const statusLists = issuer.statusListIds('dhqghn');
  t.true(statusLists.includes('dhqghn-suspension-3'));
  // The standby list after the current one is already published, so a bundle
  // made now names the list the next credentials will use.
  t.true(statusLists.includes('dhqghn-revocation-4'));
  t.truthy(await issuer.getStatusListCredential('dhqghn-revocation-4'));

  // Not sequential: 12 draws from 131,072 in increasing order would be a 1-in-479-million event.
  const indexes = records.map((r) => r.status!.revocation.index);
  t.notDeepEqual(
    indexes,
    [...indexes].sort((x, y) => x - y),
  );
});

test('a large batch signs in worker threads, reports progress and isolates bad items', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const requests = Array.from({ length: 40 }, (_, i) =>
    i % 10 === 3
      ? {
          ministry: 'bo-cong-an',
          type: 'CitizenIdentityCard',
          subject: { ...subjectOf('CitizenIdentityCard'), sex: 'x' },
        }
      : {
          ministry: 'bo-cong-an',
          type: 'CitizenIdentityCard',
          subject: subjectOf('CitizenIdentityCard'),
          suite: (i % 2 ? 'ecdsa-sd-2023' : 'ecdsa-rdfc-2019') as CryptosuiteName,
        },
  );
  const progress: number[] = [];
  const results = await issuer.issueBatch(requests, { onProgress: (p) => progress.push(p.done) });
  t.is(results.length, 40);
  t.is(results.filter((r) => !r.ok).length, 4);
  for (const [i, r] of results.entries()) {
    if (i % 10 === 3) t.deepEqual(r.ok ? null : r.error.code, 'SCHEMA_VALIDATION_ERROR');
    else t.true(r.ok);
  }
  t.deepEqual(
    progress,
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  t.is((await issuer.listRecords()).length, 36);
  const first = results.find((r) => r.ok)!;
  t.true(
    (await verifyIssued((first as { credential: JsonObject }).credential, [issuer.didDocument('bo-cong-an')])).verified,
  );
});

test('key rotation: the new key signs, the old one stays listed with its window and never signs again', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const old = issuer.getMinistry('bo-cong-an').keys[0]!;
  const before = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: subjectOf('CitizenIdentityCard'),
    suite: 'ecdsa-rdfc-2019',
  });
  t.is((before.proof as JsonObject).verificationMethod, old.id);
  const fresh = await issuer.rotateKey('bo-cong-an');
  t.not(fresh.id, old.id);
  const after = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: subjectOf('CitizenIdentityCard'),
    suite: 'ecdsa-rdfc-2019',
  });
  t.is((after.proof as JsonObject).verificationMethod, fresh.id);
  const doc = issuer.didDocument('bo-cong-an');
  t.deepEqual(
    doc.verificationMethod.map((v) => v.id),
    [old.id, fresh.id],
  );
  t.true((await verifyIssued(before, [doc])).verified, 'old credentials keep verifying');
  const entry = issuer.trustBundleIssuers().find((i) => i.id === doc.id)!;
  const oldVm = entry.verificationMethods.find((v) => v.id === old.id)!;
  t.truthy(oldVm.validUntil);
  t.is(entry.verificationMethods.find((v) => v.id === fresh.id)!.validUntil, undefined);
  // Status lists, batches, sd and rdfc all use the new key from now on.
  const batch = await issuer.issueBatch(
    Array.from({ length: 5 }, () => ({
      ministry: 'bo-cong-an',
      type: 'DrivingLicence',
      subject: subjectOf('DrivingLicence'),
    })),
  );
  for (const r of batch) t.is(r.ok && (r.credential.proof as JsonObject).verificationMethod, fresh.id);
  await issuer.revoke(after.id as string);
  const slc = await issuer.getStatusListCredential('bo-cong-an-revocation-1');
  t.is((slc.proof as JsonObject).verificationMethod, fresh.id);
  t.true((await issuer.listRecords()).filter((r) => r.keyId === old.id).length === 1);
  // An Ed25519 key is created on the first eddsa request and rotates on its own.
  const ed = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: subjectOf('CitizenIdentityCard'),
    suite: 'eddsa-rdfc-2022',
  });
  const edKey = issuer.getMinistry('bo-cong-an').keys.find((k) => k.keyType === 'Ed25519')!;
  t.is((ed.proof as JsonObject).verificationMethod, edKey.id);
  t.is(
    issuer.getMinistry('bo-cong-an').keys.filter((k) => k.validUntil === undefined).length,
    2,
    'one signing key per type',
  );
});

test('ministries: conflicting re-definition is MINISTRY_CONFLICT, same one is a no-op, bad slugs are TypeErrors', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const m = issuer.getMinistry('bo-cong-an');
  t.is(m.did, 'did:web:127.0.0.1%3A8080:bo-cong-an');
  // Authorised types are data: every registered type of the ministry's role.
  t.deepEqual(
    m.credentialTypes,
    listCredentialTypes()
      .filter((d) => d.issuerRole === 'MinistryOfPublicSecurity')
      .map((d) => d.type),
  );
  t.true(m.credentialTypes.includes('CitizenIdentityCard') && m.credentialTypes.includes('DrivingLicence'));
  t.false(m.credentialTypes.includes('HealthInsuranceCard'));
  t.deepEqual(
    (await issuer.addMinistry({ slug: 'bo-cong-an', name: m.name, role: m.role })).keys.map((k) => k.id),
    m.keys.map((k) => k.id),
  );
  t.is(
    codeOf(
      await t.throwsAsync(issuer.addMinistry({ slug: 'bo-cong-an', name: m.name, role: 'VietnamSocialSecurity' })),
    ),
    'MINISTRY_CONFLICT',
  );
  for (const slug of ['Bo', '../x', 'credentials', 'status-lists', '']) {
    await t.throwsAsync(issuer.addMinistry({ slug, name: m.name, role: m.role }), { instanceOf: TypeError }, slug);
  }
  t.is(codeOf(t.throws(() => issuer.didDocument('nope'))), 'UNKNOWN_MINISTRY');
});

test('validUntil defaults to the end of the document’s own expiry day (the card and the credential expire together)', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const card = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: { ...fixtures.CitizenIdentityCard },
  });
  t.is(card.validUntil, `${fixtures.CitizenIdentityCard.dateOfExpiry}T16:59:59Z`);
  const bhyt = await issuer.issue({
    ministry: 'bhxh',
    type: 'HealthInsuranceCard',
    subject: { ...fixtures.HealthInsuranceCard },
  });
  t.is(bhyt.validUntil, `${fixtures.HealthInsuranceCard.coverageTo}T16:59:59Z`);
  const explicit = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: { ...fixtures.CitizenIdentityCard },
    validUntil: '2030-01-01T00:00:00Z',
  });
  t.is(explicit.validUntil, '2030-01-01T00:00:00Z');
  const degree = await issuer.issue({
    ministry: 'dhqghn',
    type: 'UniversityDegree',
    subject: { ...fixtures.UniversityDegree },
  });
  t.is(degree.validUntil, undefined, 'a degree does not expire');
});

test('each re-signed status list is dated strictly after the last, even for changes in the same instant', async (t) => {
  const frozen = new Date('2026-11-25T08:00:00.000Z');
  const { issuer, cleanup } = await freshIssuer({ now: () => frozen });
  t.teardown(cleanup);
  const a = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: { ...fixtures.DrivingLicence },
  });
  const b = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: { ...fixtures.DrivingLicence },
  });
  const listId = issuer.statusListIds('bo-cong-an')[0] as string;
  await issuer.revoke(a.id as string, 'test');
  const first = Date.parse((await issuer.getStatusListCredential(listId)).validFrom as string);
  await issuer.revoke(b.id as string, 'test');
  const second = Date.parse((await issuer.getStatusListCredential(listId)).validFrom as string);
  // A verifier that synced the first keeps it and accepts only a newer one.
  t.true(second > first, `${second} > ${first}`);
});

test('the general-credential path does not sign our document types or use their contexts', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  await issuer.addMinistry({
    slug: 'uni',
    name: { vi: 'Trường thử', en: 'Test university' },
    role: 'AccreditedUniversity',
    allowGeneralCredentials: true,
  });
  const cardContext = getCredentialType('CitizenIdentityCard').contextUrl;
  const asCard = issuer.issueGeneral({
    ministry: 'uni',
    credential: {
      '@context': ['https://www.w3.org/ns/credentials/v2', cardContext],
      type: ['VerifiableCredential', 'CitizenIdentityCard'],
      credentialSubject: { fullName: 'Nguyễn Văn Giả' },
    },
  });
  t.is(codeOf(await t.throwsAsync(asCard)), 'ISSUER_NOT_AUTHORIZED');
  const withOurContext = issuer.issueGeneral({
    ministry: 'uni',
    credential: {
      '@context': ['https://www.w3.org/ns/credentials/v2', cardContext],
      type: ['VerifiableCredential'],
      credentialSubject: { fullName: 'Nguyễn Văn Giả' },
    },
  });
  t.is(codeOf(await t.throwsAsync(withOurContext)), 'CONTEXT_NOT_ALLOWED');
});

test('status list options that would break allocation are refused up front (RangeError)', async (t) => {
  const base = { dataDir: '/nonexistent-never-opened', passphrase: 'p', baseUrl: 'http://127.0.0.1:8080' };
  await t.throwsAsync(createIssuer({ ...base, maxAllocationsPerList: 131_072 }), { instanceOf: RangeError });
  await t.throwsAsync(createIssuer({ ...base, maxAllocationsPerList: 0 }), { instanceOf: RangeError });
  await t.throwsAsync(createIssuer({ ...base, statusListLength: 1000 }), { instanceOf: RangeError });
});

test('a new ministry publishes a standby list per purpose; after a restart issuance continues in the list with room', async (t) => {
  const first = await freshIssuer({ maxAllocationsPerList: 3 });
  const subjects = () => ({ ministry: 'bhxh', type: 'HealthInsuranceCard', subject: subjectOf('HealthInsuranceCard') });
  const bhxhLists = (i: typeof first.issuer) => i.statusListIds('bhxh');
  t.deepEqual(bhxhLists(first.issuer), [
    'bhxh-revocation-1',
    'bhxh-revocation-2',
    'bhxh-suspension-1',
    'bhxh-suspension-2',
  ]);
  await first.issuer.issue(subjects());
  await first.issuer.close();
  const { issuer, cleanup } = await freshIssuer({ maxAllocationsPerList: 3, dataDir: first.dir });
  t.teardown(cleanup);
  const next = await issuer.issue(subjects());
  const listIds = (next.credentialStatus as JsonObject[]).map((e) => String(e.statusListCredential).split('/').pop());
  t.deepEqual(listIds, ['bhxh-revocation-1', 'bhxh-suspension-1']);
});
