import {
  CREDENTIALS_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  createDocumentLoader,
  createOfflineDidResolver,
  decodeStatusList,
  deriveCredential,
  type JsonObject,
  jsonDigest,
  verifyCredentialProof,
} from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createIssuer } from '../src/index.js';
import { startTestService, type TestService } from './helpers/service.js';
import { freshIssuer, holderDid, PASSPHRASE } from './helpers/setup.js';

const V2 = CREDENTIALS_V2_CONTEXT_URL;
const GENERAL = {
  slug: 'test-issuer',
  name: { vi: 'Đơn vị thử nghiệm', en: 'Test issuer' },
  role: 'GeneralTestIssuer',
  allowGeneralCredentials: true,
} as const;

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

function credential(extra: JsonObject = {}): JsonObject {
  return {
    '@context': [V2],
    type: ['VerifiableCredential'],
    credentialSubject: { id: 'did:example:subject', name: 'Alice' },
    ...extra,
  };
}

/** Verifies as a third party: only did:key is resolvable, plus the given documents. */
async function verify(vc: JsonObject, issuerLoader: ReturnType<typeof createDocumentLoader>, reveal?: string[]) {
  const proof = vc.proof as { cryptosuite: string };
  const toVerify =
    proof.cryptosuite === 'ecdsa-sd-2023'
      ? await deriveCredential({ credential: vc, selectivePointers: reveal ?? [], documentLoader: issuerLoader })
      : vc;
  return verifyCredentialProof({ credential: toVerify, documentLoader: issuerLoader });
}

let svc: TestService;
test.before(async () => {
  svc = await startTestService();
});
test.after.always(async () => {
  await svc?.close();
});

async function problemOf(res: Response, status: number, code: string) {
  const body = (await res.json()) as JsonObject;
  return { status: res.status, code: body.code, body, expected: { status, code } };
}

test('validUntil earlier than validFrom is refused at issuance with 422 naming the field', async (t) => {
  const key = svc.keys['test-issuer'];
  const reversed = credential({ validFrom: '2030-01-01T00:00:00Z', validUntil: '2029-01-01T00:00:00Z' });
  const r = await problemOf(await svc.post('/credentials/issue', { credential: reversed }, key), 422, 'x');
  t.is(r.status, 422);
  t.is(r.code, 'VALIDITY_PERIOD_INVALID');
  t.is(r.body.pointer, '/validUntil');
  // Equal instants are an empty period too; VCDM 1.1's names are named in its terms.
  const v1 = {
    '@context': [CREDENTIALS_V1_CONTEXT_URL],
    type: ['VerifiableCredential'],
    issuanceDate: '2030-01-01T00:00:00Z',
    expirationDate: '2030-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:s' },
  };
  const r1 = await problemOf(await svc.post('/credentials/issue', { credential: v1 }, key), 422, 'x');
  t.is(r1.code, 'VALIDITY_PERIOD_INVALID');
  t.is(r1.body.pointer, '/expirationDate');
  // Twin: an ordered period is signed.
  const ordered = credential({ validFrom: '2030-01-01T00:00:00Z', validUntil: '2031-01-01T00:00:00Z' });
  t.is((await svc.post('/credentials/issue', { credential: ordered }, key)).status, 201);
  // Our document types: the same code from the library.
  const card = svc.post(
    '/credentials/issue',
    {
      credential: {
        type: ['VerifiableCredential', 'CitizenIdentityCard'],
        credentialSubject: fixtures.CitizenIdentityCard,
        validFrom: '2030-01-01T00:00:00Z',
        validUntil: '2029-01-01T00:00:00Z',
      },
    },
    svc.keys['bo-cong-an'],
  );
  const rc = await problemOf(await card, 422, 'x');
  t.is(rc.code, 'VALIDITY_PERIOD_INVALID');
});

test('a validFrom far in the past (2000-01-01) is refused; within the backdating bound it is signed', async (t) => {
  const key = svc.keys['test-issuer'];
  const old = await problemOf(
    await svc.post('/credentials/issue', { credential: credential({ validFrom: '2000-01-01T00:00:00Z' }) }, key),
    422,
    'x',
  );
  t.is(old.code, 'VALIDITY_PERIOD_INVALID');
  t.is(old.body.pointer, '/validFrom');
  const card = await problemOf(
    await svc.post(
      '/credentials/issue',
      {
        credential: {
          type: ['VerifiableCredential', 'CitizenIdentityCard'],
          credentialSubject: fixtures.CitizenIdentityCard,
          validFrom: '2000-01-01T00:00:00Z',
        },
      },
      svc.keys['bo-cong-an'],
    ),
    422,
    'x',
  );
  t.is(card.code, 'VALIDITY_PERIOD_INVALID');
  const anHourAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  t.is((await svc.post('/credentials/issue', { credential: credential({ validFrom: anHourAgo }) }, key)).status, 201);
  const cardRecent = await svc.post(
    '/credentials/issue',
    {
      credential: {
        type: ['VerifiableCredential', 'CitizenIdentityCard'],
        credentialSubject: fixtures.CitizenIdentityCard,
        validFrom: anHourAgo,
      },
    },
    svc.keys['bo-cong-an'],
  );
  t.is(cardRecent.status, 201);
});

test('the backdating bound is a policy setting', async (t) => {
  const now = new Date('2026-06-01T00:00:00Z');
  const { issuer, cleanup } = await freshIssuer({ now: () => now, maxBackdatingSeconds: 0 });
  t.teardown(cleanup);
  const subject = { ...fixtures.DrivingLicence, id: await holderDid() } as Record<string, unknown>;
  const late = issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject,
    validFrom: '2026-05-31T23:59:59Z',
  });
  t.is(codeOf(await t.throwsAsync(late)), 'VALIDITY_PERIOD_INVALID');
  const exact = await issuer.issue({ ministry: 'bo-cong-an', type: 'DrivingLicence', subject, validFrom: now });
  t.is(exact.validFrom, '2026-06-01T00:00:00Z');
  await t.throwsAsync(freshIssuer({ maxBackdatingSeconds: -1 }), { instanceOf: RangeError });
});

test('ecdsa-sd-2023 default pointers sign a subject holding only an id; the holder stays mandatory', async (t) => {
  const key = svc.keys['test-issuer'];
  const res = await svc.post(
    '/credentials/issue',
    { credential: credential({ credentialSubject: { id: 'did:example:only' } }) },
    key,
  );
  t.is(res.status, 201);
  const vc = ((await res.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const loader = svc.issuer.documentLoader();
  const derived = await deriveCredential({ credential: vc, selectivePointers: [], documentLoader: loader });
  t.deepEqual(derived.credentialSubject, { id: 'did:example:only' }, 'the subject id is disclosed without being asked');
  t.true((await verifyCredentialProof({ credential: derived, documentLoader: loader })).verified);
  // An array of subjects: each id is mandatory, the rest selectable.
  const many = credential({
    credentialSubject: [{ id: 'did:example:a', name: 'A' }, { id: 'did:example:b' }, { name: 'no id' }],
  });
  const r2 = await svc.post('/credentials/issue', { credential: many }, key);
  t.is(r2.status, 201);
  const vc2 = ((await r2.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const d2 = await deriveCredential({ credential: vc2, selectivePointers: [], documentLoader: loader });
  const ids = (d2.credentialSubject as Array<JsonObject | string>).map((s) => (typeof s === 'string' ? s : s.id));
  t.deepEqual(ids, ['did:example:a', 'did:example:b']);
  t.true((await verifyCredentialProof({ credential: d2, documentLoader: loader })).verified);
});

test('a caller pointer that matches nothing is a 422 naming it, never a 500; an /id of an id-only node works', async (t) => {
  const key = svc.keys['test-issuer'];
  const bad = await svc.post(
    '/credentials/issue',
    { credential: credential(), options: { mandatoryPointers: ['/credentialSubject/nothere'] } },
    key,
  );
  const p = await problemOf(bad, 422, 'x');
  t.is(p.status, 422);
  t.is(p.code, 'MANDATORY_POINTER_INVALID');
  t.is(p.body.pointer, '/credentialSubject/nothere');
  const idOnly = await svc.post(
    '/credentials/issue',
    {
      credential: credential({ credentialSubject: { id: 'did:example:only' } }),
      options: { mandatoryPointers: ['/credentialSubject/id'] },
    },
    key,
  );
  t.is(idOnly.status, 201);
  // The library refuses the same pointer (its error is ours to map, not a 500).
  const { issuer } = svc;
  const e = await t.throwsAsync(
    issuer.issueGeneral({ ministry: 'test-issuer', credential: credential(), mandatoryPointers: ['/issuer/x'] }),
  );
  t.is(codeOf(e), 'MANDATORY_POINTER_INVALID');
});

test('credentialSubject may be an array on the VC API; an empty array or a non-object member is refused', async (t) => {
  const key = svc.keys['test-issuer'];
  const res = await svc.post(
    '/credentials/issue',
    {
      credential: credential({ credentialSubject: [{ name: 'A' }, { name: 'B' }] }),
      options: { suite: 'eddsa-rdfc-2022' },
    },
    key,
  );
  t.is(res.status, 201);
  const vc = ((await res.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  t.true((await verify(vc, svc.issuer.documentLoader())).verified);
  for (const subject of [[], [{ name: 'A' }, 'x']]) {
    const r = await problemOf(
      await svc.post('/credentials/issue', { credential: credential({ credentialSubject: subject }) }, key),
      400,
      'x',
    );
    t.is(r.code, 'MALFORMED_VALUE_ERROR');
  }
  // Our document types keep one subject.
  const card = await problemOf(
    await svc.post(
      '/credentials/issue',
      {
        credential: {
          type: ['VerifiableCredential', 'CitizenIdentityCard'],
          credentialSubject: [fixtures.CitizenIdentityCard],
        },
      },
      svc.keys['bo-cong-an'],
    ),
    400,
    'x',
  );
  t.is(card.code, 'MALFORMED_VALUE_ERROR');
});

test('options.credentialStatus allocates status entries, revocable through the status API', async (t) => {
  const key = svc.keys['test-issuer'];
  const res = await svc.post(
    '/credentials/issue',
    { credential: credential(), options: { credentialStatus: { type: 'BitstringStatusListEntry' } } },
    key,
  );
  t.is(res.status, 201);
  const vc = ((await res.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const entries = vc.credentialStatus as JsonObject[];
  t.deepEqual(
    entries.map((e) => e.statusPurpose),
    ['revocation', 'suspension'],
  );
  t.regex(vc.id as string, /^urn:uuid:/);
  // The status entries are mandatory: a holder cannot hide them.
  const derived = await deriveCredential({
    credential: vc,
    selectivePointers: [],
    documentLoader: svc.issuer.documentLoader(),
  });
  t.deepEqual(derived.credentialStatus, entries);
  const record = await svc.issuer.getRecord(vc.id as string);
  t.is(record.type, 'GeneralCredential');
  t.is(record.state, 'active');
  const revoked = await svc.post('/credentials/status', { credentialId: vc.id, action: 'revoke' }, key);
  t.is(revoked.status, 200);
  const revocation = entries[0]!;
  const listId = (revocation.statusListCredential as string).split('/').pop()!;
  const list = await svc.issuer.getStatusListCredential(listId);
  const bits = decodeStatusList((list.credentialSubject as JsonObject).encodedList);
  t.true(bits.getStatus(Number(revocation.statusListIndex)));
  // A VCDM 1.1 credential gets the status context; a caller id is kept, and not reused.
  const v1 = {
    '@context': [CREDENTIALS_V1_CONTEXT_URL],
    id: 'urn:uuid:5b0b5bd4-6a36-4b8f-9d51-6d6f3f3e0a11',
    type: ['VerifiableCredential'],
    credentialSubject: { id: 'did:example:s' },
  };
  const r1 = await svc.post(
    '/credentials/issue',
    { credential: v1, options: { credentialStatus: { type: 'BitstringStatusListEntry' }, suite: 'eddsa-rdfc-2022' } },
    key,
  );
  t.is(r1.status, 201);
  const c1 = ((await r1.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  t.is(c1.id, v1.id);
  t.true((await verify(c1, svc.issuer.documentLoader())).verified);
  const again = await problemOf(
    await svc.post(
      '/credentials/issue',
      { credential: v1, options: { credentialStatus: { type: 'BitstringStatusListEntry' } } },
      key,
    ),
    409,
    'x',
  );
  t.is(again.code, 'CREDENTIAL_ID_CONFLICT');
  // Negative twins: another status type, and without the option nothing is recorded.
  const other = await problemOf(
    await svc.post(
      '/credentials/issue',
      { credential: credential(), options: { credentialStatus: { type: 'StatusList2021Entry' } } },
      key,
    ),
    400,
    'x',
  );
  t.is(other.code, 'MALFORMED_VALUE_ERROR');
  const plain = await svc.post(
    '/credentials/issue',
    { credential: credential({ id: 'urn:uuid:1e0f5a4c-0a7e-4c4c-9a51-2b1d7a1f0c22' }) },
    key,
  );
  t.is(plain.status, 201);
  t.is(
    codeOf(await t.throwsAsync(svc.issuer.getRecord('urn:uuid:1e0f5a4c-0a7e-4c4c-9a51-2b1d7a1f0c22'))),
    'UNKNOWN_CREDENTIAL',
  );
});

test('a caller-set credentialStatus is accepted only where the ministry policy allows it', async (t) => {
  const status = {
    id: 'https://status.example/lists/1#42',
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: '42',
    statusListCredential: 'https://status.example/lists/1',
  };
  const refused = await problemOf(
    await svc.post(
      '/credentials/issue',
      { credential: credential({ credentialStatus: status }) },
      svc.keys['test-issuer'],
    ),
    422,
    'x',
  );
  t.is(refused.code, 'FORBIDDEN_FIELD');
  t.is(refused.body.field, 'credentialStatus');
  await svc.issuer.addMinistry({ ...GENERAL, slug: 'open-status', allowCallerCredentialStatus: true });
  const vc = await svc.issuer.issueGeneral({
    ministry: 'open-status',
    credential: credential({ credentialStatus: status }),
  });
  t.deepEqual(vc.credentialStatus, status);
  const ours = { ...status, statusListCredential: `${svc.issuer.baseUrl}/status-lists/bo-cong-an-revocation-1` };
  const e = await t.throwsAsync(
    svc.issuer.issueGeneral({ ministry: 'open-status', credential: credential({ credentialStatus: ours }) }),
  );
  t.is(codeOf(e), 'FORBIDDEN_FIELD');
});

test('a did:key issuer instance signs general credentials that verify with did:key resolution alone', async (t) => {
  const { issuer, dir, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const info = await issuer.addMinistry({ ...GENERAL, slug: 'small-agency', didMethod: 'key' });
  t.regex(info.did, /^did:key:z/);
  t.is(info.keys.length, 1);
  t.is(info.keys[0]!.id, `${info.did}#${info.keys[0]!.publicKeyMultibase}`);
  // A third party with no issuer documents at all: did:key resolves from the identifier.
  const thirdParty = createDocumentLoader({ resolver: createOfflineDidResolver() });
  for (const suite of ['ecdsa-sd-2023', 'ecdsa-rdfc-2019'] as const) {
    const vc = await issuer.issueGeneral({ ministry: 'small-agency', credential: credential(), suite });
    t.is(vc.issuer, info.did);
    t.true((await verify(vc, thirdParty, ['/credentialSubject/name'])).verified, suite);
  }
  // It is its one key: no second key type, no rotation, and the same ministry again is a no-op.
  t.is(
    codeOf(
      await t.throwsAsync(
        issuer.issueGeneral({ ministry: 'small-agency', credential: credential(), suite: 'eddsa-rdfc-2022' }),
      ),
    ),
    'INVALID_KEY',
  );
  t.is(codeOf(await t.throwsAsync(issuer.rotateKey('small-agency'))), 'INVALID_KEY');
  t.is((await issuer.addMinistry({ ...GENERAL, slug: 'small-agency', didMethod: 'key' })).did, info.did);
  // Ed25519 did:key instances sign eddsa.
  const ed = await issuer.addMinistry({ ...GENERAL, slug: 'ed-agency', didMethod: 'key', keyType: 'Ed25519' });
  const edVc = await issuer.issueGeneral({ ministry: 'ed-agency', credential: credential(), suite: 'eddsa-rdfc-2022' });
  t.is(edVc.issuer, ed.did);
  t.true((await verify(edVc, thirdParty)).verified);
  // A did:web instance does not verify for a third party that has not got its document (negative twin).
  const web = await issuer.addMinistry({ ...GENERAL, slug: 'web-agency' });
  const webVc = await issuer.issueGeneral({
    ministry: 'web-agency',
    credential: credential(),
    suite: 'ecdsa-rdfc-2019',
  });
  t.is(webVc.issuer, web.did);
  t.false((await verify(webVc, thirdParty)).verified);
  // did:key is for general credentials only.
  await t.throwsAsync(
    issuer.addMinistry({ ...GENERAL, slug: 'doc-agency', allowGeneralCredentials: false, didMethod: 'key' }),
    {
      instanceOf: TypeError,
    },
  );
  // The instance survives a restart with the same DID and key, and still signs.
  await issuer.close();
  const reopened = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => reopened.close());
  t.deepEqual(reopened.getMinistry('small-agency').keys, info.keys);
  const after = await reopened.issueGeneral({
    ministry: 'small-agency',
    credential: credential(),
    suite: 'ecdsa-rdfc-2019',
  });
  t.true((await verify(after, thirdParty)).verified);
});

test('contexts beyond the W3C set can be pinned by digest for general credentials, and are never fetched', async (t) => {
  const url = 'https://contexts.example/agency/v1';
  const document = {
    '@context': {
      '@protected': true,
      AgencyPermit: 'https://contexts.example/agency#AgencyPermit',
      permitNumber: 'https://contexts.example/agency#permitNumber',
    },
  };
  const { issuer, cleanup } = await freshIssuer({ generalContexts: [{ url, document, digest: jsonDigest(document) }] });
  t.teardown(cleanup);
  await issuer.addMinistry(GENERAL);
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('network used'));
  t.teardown(() => {
    globalThis.fetch = realFetch;
  });
  const vc = await issuer.issueGeneral({
    ministry: 'test-issuer',
    credential: {
      '@context': [V2, url],
      type: ['VerifiableCredential', 'AgencyPermit'],
      credentialSubject: { id: 'did:example:s', permitNumber: 'P-1' },
    },
    suite: 'ecdsa-rdfc-2019',
  });
  t.true((await verify(vc, issuer.documentLoader())).verified);
  // Not pinned here: refused; a wrong digest stops the start; a pin cannot replace a W3C context.
  const { issuer: plain, cleanup: c2 } = await freshIssuer();
  t.teardown(c2);
  await plain.addMinistry(GENERAL);
  const e = await t.throwsAsync(
    plain.issueGeneral({
      ministry: 'test-issuer',
      credential: { '@context': [V2, url], type: ['VerifiableCredential'], credentialSubject: { permitNumber: 'P-1' } },
    }),
  );
  t.is(codeOf(e), 'CONTEXT_NOT_ALLOWED');
  await t.throwsAsync(freshIssuer({ generalContexts: [{ url, document, digest: 'sha256-AAAA' }] }), {
    instanceOf: TypeError,
    message: /digest/,
  });
  await t.throwsAsync(freshIssuer({ generalContexts: [{ url: V2, document, digest: jsonDigest(document) }] }), {
    instanceOf: TypeError,
  });
});
