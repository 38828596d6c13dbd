import { dcqlQueryFor, generateKeyPair, parseDcqlQuery, type RelyingPartyRegistration } from '@vneid/core';
import { VNEID_VOCAB_BASE } from '@vneid/schemas';
import test from 'ava';
import {
  createChallengeStore,
  createMemoryRequestStore,
  createMemoryStatusCache,
  createOid4vpVerifier,
  createRequestSigningKey,
  createTrustBundle,
  loadTrustBundle,
  signTrustBundle,
} from '../src/index.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};
const NOW = new Date('2026-06-01T08:00:00Z');

async function bundleWith(relyingParties: unknown) {
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const signed = await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: NOW,
      validUntil: new Date(NOW.getTime() + 86_400_000),
      issuers: [],
      relyingParties: relyingParties as RelyingPartyRegistration[],
    }),
    anchor,
    { now: NOW },
  );
  return loadTrustBundle(JSON.stringify(signed), { anchorKey: anchor.publicKeyMultibase, now: NOW });
}

test('DCQL: the query names fully expanded VNeID types and credentialSubject paths, and reads back', (t) => {
  const query = dcqlQueryFor([
    { type: 'AgeAttestation', fields: ['ageOver16'] },
    { type: 'CitizenIdentityCard', fields: ['fullName'] },
  ]);
  t.deepEqual(query.credentials[0], {
    id: 'q0',
    format: 'ldp_vc',
    meta: {
      type_values: [['https://www.w3.org/2018/credentials#VerifiableCredential', `${VNEID_VOCAB_BASE}AgeAttestation`]],
    },
    claims: [{ path: ['credentialSubject', 'ageOver16'] }],
  });
  t.deepEqual(parseDcqlQuery(JSON.parse(JSON.stringify(query))), [
    { id: 'q0', type: 'AgeAttestation', fields: ['ageOver16'] },
    { id: 'q1', type: 'CitizenIdentityCard', fields: ['fullName'] },
  ]);
});

test('DCQL from outside: other formats, foreign types, odd paths, extra members and prototype keys are refused', (t) => {
  const good = dcqlQueryFor([{ type: 'CitizenIdentityCard', fields: ['fullName'] }]);
  const variant = (change: (c: Record<string, unknown>) => void) => {
    const q = structuredClone(good) as unknown as { credentials: Array<Record<string, unknown>> };
    change(q.credentials[0]!);
    return q;
  };
  const cases: Array<[string, unknown, string]> = [
    ['format', variant((c) => (c.format = 'dc+sd-jwt')), 'MALFORMED_VALUE_ERROR'],
    ['foreign type', variant((c) => (c.meta = { type_values: [['https://evil.example/T']] })), 'MALFORMED_VALUE_ERROR'],
    ['deep path', variant((c) => (c.claims = [{ path: ['credentialSubject', 'a', 'b'] }])), 'MALFORMED_VALUE_ERROR'],
    ['id path', variant((c) => (c.claims = [{ path: ['credentialSubject', 'id'] }])), 'MALFORMED_VALUE_ERROR'],
    [
      'values',
      variant((c) => (c.claims = [{ path: ['credentialSubject', 'fullName'], values: ['x'] }])),
      'MALFORMED_VALUE_ERROR',
    ],
    ['extra member', variant((c) => (c.multiple = true)), 'MALFORMED_VALUE_ERROR'],
    ['credential_sets', { ...good, credential_sets: [] }, 'MALFORMED_VALUE_ERROR'],
    ['prototype key', JSON.parse('{"credentials":[],"__proto__":{"x":1}}'), 'UNSAFE_JSON'],
    [
      'too many',
      { credentials: Array.from({ length: 9 }, (_, i) => ({ ...good.credentials[0], id: `q${i}` })) },
      'MALFORMED_VALUE_ERROR',
    ],
    ['duplicate ids', { credentials: [good.credentials[0], good.credentials[0]] }, 'MALFORMED_VALUE_ERROR'],
  ];
  for (const [name, query, code] of cases)
    t.is(
      codeOf(() => parseDcqlQuery(query)),
      code,
      name,
    );
});

test('the request store answers each request once', (t) => {
  const store = createMemoryRequestStore({ maxEntries: 2 });
  const record = {
    id: 'a',
    clientId: 'x.example.vn',
    nonce: 'n',
    state: 's',
    queries: [],
    requestJwt: 'j',
    createdAt: 0,
    expiresAt: Date.now() + 60_000,
    status: 'pending' as const,
  };
  store.put(record);
  t.true(store.close('a', { status: 'refused', codes: ['PRESENTATION_REFUSED'] }) as boolean);
  t.false(store.close('a', { status: 'verified' }) as boolean);
  t.is((store.get('a') as { status: string }).status, 'refused');
  store.put({ ...record, id: 'b' });
  store.put({ ...record, id: 'c' });
  t.is(store.get('a'), undefined, 'the oldest is dropped at the cap');
});

test('relying parties register request keys as thumbprints; a verifier asks only within its registration', async (t) => {
  const key = await createRequestSigningKey();
  t.regex(key.thumbprint, /^[A-Za-z0-9_-]{43}$/);
  const rp = {
    id: 'nganhang.example.vn',
    name: { vi: 'Ngân hàng', en: 'Bank' },
    registration: 'NHNN-1',
    retention: 'P10Y',
    credentials: [{ type: 'CitizenIdentityCard', fields: ['fullName'] }],
    requestKeys: [key.thumbprint],
  };
  const bundle = await bundleWith([rp]);
  await t.throwsAsync(bundleWith([{ ...rp, requestKeys: ['not-a-thumbprint'] }]), {
    code: 'MALFORMED_VALUE_ERROR',
  } as never);
  const common = {
    bundle,
    statusCache: createMemoryStatusCache(),
    signingKey: key,
    baseUrl: 'http://127.0.0.1:1/oid4vp',
  };
  const challenges = createChallengeStore({ ttlSeconds: 60 });
  let issued = 0;
  const counting = {
    issue: () => {
      issued++;
      return challenges.issue();
    },
    consume: challenges.consume,
  };
  const verifier = createOid4vpVerifier({ ...common, clientId: rp.id, challenges: counting });
  await t.throwsAsync(
    verifier.createRequest({ queries: [{ type: 'CitizenIdentityCard', fields: ['dateOfBirth'], reason: 'x' }] }),
    { code: 'FIELDS_NOT_REGISTERED' } as never,
  );
  t.is(issued, 0, 'a refused request issues no nonce');
  const unregistered = createOid4vpVerifier({ ...common, clientId: 'other.example.vn' });
  await t.throwsAsync(
    unregistered.createRequest({ queries: [{ type: 'CitizenIdentityCard', fields: ['fullName'], reason: 'x' }] }),
    { code: 'RELYING_PARTY_NOT_REGISTERED' } as never,
  );
  t.throws(() => createOid4vpVerifier({ ...common, clientId: rp.id, baseUrl: 'http://bank.example.vn/oid4vp' }), {
    instanceOf: TypeError,
  });
  const created = await verifier.createRequest({
    queries: [{ type: 'CitizenIdentityCard', fields: ['fullName'], reason: 'x' }],
  });
  t.true(created.qrSvg.startsWith('<svg'));
  t.is((await verifier.outcome(created.id)).status, 'pending');
  t.is(issued, 1);
});
