import {
  CREDENTIALS_V1_CONTEXT_URL,
  CREDENTIALS_V2_CONTEXT_URL,
  decodeStatusList,
  deriveCredential,
  type JsonObject,
} from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createApp, openApiDocument } from '../src/index.js';
import { startTestService, type TestService } from './helpers/service.js';
import { holderDid, ISSUER_OF, verifyIssued } from './helpers/setup.js';

type T = keyof typeof ISSUER_OF;
const TYPES = Object.keys(ISSUER_OF) as T[];
const body = (type: string, subject: unknown = structuredClone(fixtures[type as T]), extra: JsonObject = {}) => ({
  credential: { type: ['VerifiableCredential', type], credentialSubject: subject, ...extra },
});

let svc: TestService;
test.before(async () => {
  svc = await startTestService();
});
test.after.always(async () => {
  await svc?.close();
});

async function problem(t: import('ava').ExecutionContext, res: Response, status: number, code: string, label = '') {
  t.is(res.status, status, `${label} status`);
  t.regex(res.headers.get('content-type') ?? '', /^application\/problem\+json/, `${label} content-type`);
  const p = (await res.json()) as JsonObject;
  t.is(p.code, code, `${label} code`);
  t.is(p.status, status);
  t.is(typeof p.title, 'string');
  t.is(typeof p.detail, 'string');
  t.regex(p.type as string, /^https:\/\/vneid\.gov\.vn\/problems\//);
  t.false(JSON.stringify(p).includes('    at '), 'no stack trace');
  return p;
}

for (const type of TYPES) {
  test.serial(
    `POST /credentials/issue issues a ${type} that verifies; the same request with another ministry's key is 403`,
    async (t) => {
      const slug = ISSUER_OF[type];
      const holder = await holderDid();
      const res = await svc.post(
        '/credentials/issue',
        body(type, { ...structuredClone(fixtures[type]), id: holder }),
        svc.keys[slug],
      );
      t.is(res.status, 201);
      const { verifiableCredential: vc } = (await res.json()) as { verifiableCredential: JsonObject };
      t.is((vc.credentialSubject as JsonObject).id, holder);
      const did = (await (await fetch(`${svc.url}/${slug}/did.json`)).json()) as never;
      t.true((await verifyIssued(vc, [did])).verified);
      const other = Object.values(ISSUER_OF).find((s) => s !== slug)!;
      await problem(t, await svc.post('/credentials/issue', body(type), svc.keys[other]), 403, 'ISSUER_NOT_AUTHORIZED');
    },
  );
}

test.serial('authorisation matrix: ministry × type × action', async (t) => {
  const ministries = ['bo-cong-an', 'bhxh', 'dhqghn'] as const;
  // One credential per type, issued by its rightful ministry, for the status actions.
  const ids: Record<string, string> = {};
  for (const type of TYPES) {
    const res = await svc.post('/credentials/issue', body(type), svc.keys[ISSUER_OF[type]]);
    ids[type] = ((await res.json()) as { verifiableCredential: JsonObject }).verifiableCredential.id as string;
  }
  for (const ministry of ministries) {
    for (const type of TYPES) {
      const allowed = ISSUER_OF[type] === ministry;
      const issued = await svc.post('/credentials/issue', body(type), svc.keys[ministry]);
      if (allowed) t.is(issued.status, 201, `${ministry} issues ${type}`);
      else await problem(t, issued, 403, 'ISSUER_NOT_AUTHORIZED', `${ministry} issues ${type}`);
      for (const action of ['suspend', 'reinstate'] as const) {
        const res = await svc.post(
          '/credentials/status',
          { credentialId: ids[type], action, reason: 'matrix' },
          svc.keys[ministry],
        );
        if (allowed) t.is(res.status, 200, `${ministry} ${action}s ${type}`);
        // Another ministry's credential answers like an unknown id (issue 12 §3).
        else await problem(t, res, 404, 'UNKNOWN_CREDENTIAL', `${ministry} ${action}s ${type}`);
      }
    }
  }
  // options.ministry naming another ministry is refused too.
  await problem(
    t,
    await svc.post(
      '/credentials/issue',
      { ...body('HealthInsuranceCard'), options: { ministry: 'bhxh' } },
      svc.keys['bo-cong-an'],
    ),
    403,
    'FORBIDDEN',
  );
});

test.serial('missing or wrong API keys are 401 with WWW-Authenticate', async (t) => {
  const none = await svc.post('/credentials/issue', body('CitizenIdentityCard'));
  t.regex(none.headers.get('www-authenticate') ?? '', /^Bearer/);
  await problem(t, none, 401, 'UNAUTHENTICATED');
  await problem(
    t,
    await svc.post('/credentials/issue', body('CitizenIdentityCard'), 'vneid_wrong'),
    401,
    'UNAUTHENTICATED',
  );
  await problem(
    t,
    await svc.post('/credentials/status', { credentialId: 'x', action: 'revoke' }, undefined, {
      authorization: `Basic ${svc.keys.bhxh}`,
    }),
    401,
    'UNAUTHENTICATED',
  );
});

test.serial('malformed input: each is a 4xx problem, the server stays up and earlier records survive', async (t) => {
  const key = svc.keys['bo-cong-an']!;
  const first = await svc.post('/credentials/issue', body('CitizenIdentityCard'), key);
  const id = ((await first.json()) as { verifiableCredential: JsonObject }).verifiableCredential.id as string;
  let deep: unknown = {};
  for (let i = 0; i < 40; i++) deep = { a: deep };
  const badSubject = {
    ...structuredClone(fixtures.CitizenIdentityCard),
    sex: 'x',
    dateOfBirth: 'yesterday',
  } as JsonObject;
  const cases: Array<[string, () => Promise<Response>, number, string]> = [
    [
      'text/plain body',
      () =>
        svc.post('/credentials/issue', JSON.stringify(body('CitizenIdentityCard')), key, {
          'content-type': 'text/plain',
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['truncated JSON', () => svc.post('/credentials/issue', '{"credential": {', key), 400, 'MALFORMED_VALUE_ERROR'],
    [
      'not UTF-8',
      () => svc.post('/credentials/issue', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) as never, key),
      400,
      'MALFORMED_VALUE_ERROR',
    ],
    [
      '300 KiB body',
      () => svc.post('/credentials/issue', JSON.stringify({ credential: { pad: 'x'.repeat(300 * 1024) } }), key),
      413,
      'INPUT_LIMIT_EXCEEDED',
    ],
    ['40 levels deep', () => svc.post('/credentials/issue', { credential: deep }, key), 400, 'INPUT_LIMIT_EXCEEDED'],
    [
      '__proto__ key',
      () => svc.post('/credentials/issue', '{"credential":{"__proto__":{"isAdmin":true}}}', key),
      400,
      'UNSAFE_JSON',
    ],
    [
      'constructor key in subject',
      () =>
        svc.post(
          '/credentials/issue',
          '{"credential":{"type":["VerifiableCredential","CitizenIdentityCard"],"credentialSubject":{"constructor":{"prototype":{}}}}}',
          key,
        ),
      400,
      'UNSAFE_JSON',
    ],
    ['array body', () => svc.post('/credentials/issue', '[]', key), 400, 'MALFORMED_VALUE_ERROR'],
    [
      'no credentialSubject',
      () =>
        svc.post('/credentials/issue', { credential: { type: ['VerifiableCredential', 'CitizenIdentityCard'] } }, key),
      400,
      'MALFORMED_VALUE_ERROR',
    ],
    [
      'unknown type',
      () => svc.post('/credentials/issue', body('Passport', { x: 1 }), key),
      422,
      'UNKNOWN_CREDENTIAL_TYPE',
    ],
    [
      'schema violation',
      () => svc.post('/credentials/issue', body('CitizenIdentityCard', badSubject), key),
      422,
      'SCHEMA_VALIDATION_ERROR',
    ],
    [
      'issuer set by caller',
      () =>
        svc.post('/credentials/issue', body('CitizenIdentityCard', undefined, { issuer: 'did:web:evil.example' }), key),
      422,
      'FORBIDDEN_FIELD',
    ],
    [
      'proof set by caller',
      () =>
        svc.post(
          '/credentials/issue',
          body('CitizenIdentityCard', undefined, { proof: { type: 'DataIntegrityProof' } }),
          key,
        ),
      422,
      'FORBIDDEN_FIELD',
    ],
    [
      'credentialStatus set by caller',
      () => svc.post('/credentials/issue', body('CitizenIdentityCard', undefined, { credentialStatus: [] }), key),
      422,
      'FORBIDDEN_FIELD',
    ],
    [
      'foreign @context on a citizen type',
      () =>
        svc.post(
          '/credentials/issue',
          body('CitizenIdentityCard', undefined, { '@context': ['https://evil.example/ctx'] }),
          key,
        ),
      422,
      'FORBIDDEN_FIELD',
    ],
    [
      'bad suite',
      () => svc.post('/credentials/issue', { ...body('CitizenIdentityCard'), options: { suite: 'none' } }, key),
      400,
      'MALFORMED_VALUE_ERROR',
    ],
    [
      'bad validFrom',
      () => svc.post('/credentials/issue', body('CitizenIdentityCard', undefined, { validFrom: 'tomorrow' }), key),
      400,
      'MALFORMED_VALUE_ERROR',
    ],
    [
      'unknown credential id',
      () =>
        svc.post(
          '/credentials/status',
          { credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000000', action: 'revoke' },
          key,
        ),
      404,
      'UNKNOWN_CREDENTIAL',
    ],
    [
      'unknown action',
      () => svc.post('/credentials/status', { credentialId: id, action: 'delete' }, key),
      400,
      'MALFORMED_VALUE_ERROR',
    ],
    ['unknown route', () => svc.post('/credentials/verify', {}, key), 404, 'NOT_FOUND'],
    ['unknown status list', () => fetch(`${svc.url}/status-lists/nope`), 404, 'UNKNOWN_STATUS_LIST'],
    ['unknown ministry DID', () => fetch(`${svc.url}/bo-khong-co/did.json`), 404, 'UNKNOWN_MINISTRY'],
    ['bad percent-encoding in path', () => fetch(`${svc.url}/status-lists/%E0%A4%A`), 400, 'MALFORMED_VALUE_ERROR'],
  ];
  for (const [label, send, status, code] of cases) {
    const p = await problem(t, await send(), status, code, label);
    if (code === 'SCHEMA_VALIDATION_ERROR') {
      const pointers = (p.violations as Array<{ pointer: string }>).map((v) => v.pointer);
      t.true(pointers.includes('/sex') && pointers.includes('/dateOfBirth'), 'every bad field is listed');
    }
    t.is((await fetch(`${svc.url}/health`)).status, 200, `${label}: still up`);
  }
  t.is((await svc.issuer.getRecord(id)).state, 'active');
  t.true((await svc.issuer.verifyAuditLog()).valid);
});

test.serial(
  'a key of one ministry cannot smuggle another ministry, holder or suite through the credential',
  async (t) => {
    const bhxh = svc.keys.bhxh!;
    const before = (await svc.issuer.listRecords()).length;
    for (const extra of [
      { ministry: 'bo-cong-an' },
      { subject: {} },
      { holder: 'did:key:z6Mkabc' },
      { suite: 'eddsa-rdfc-2022' },
    ]) {
      const response = await svc.post('/credentials/issue', body('CitizenIdentityCard', undefined, extra), bhxh);
      t.is(response.status, 422, JSON.stringify(extra));
      t.is(((await response.json()) as { code: string }).code, 'FORBIDDEN_FIELD');
    }
    const plain = await svc.post('/credentials/issue', body('CitizenIdentityCard'), bhxh);
    t.is(plain.status, 403);
    t.is(((await plain.json()) as { code: string }).code, 'ISSUER_NOT_AUTHORIZED');
    t.is((await svc.issuer.listRecords()).length, before, 'nothing was issued or recorded');
  },
);

test.serial('revoke, suspend and reinstate over HTTP show in the served status lists; ETag and 304', async (t) => {
  const key = svc.keys.dhqghn!;
  const res = await svc.post(
    '/credentials/issue',
    { ...body('UniversityDegree'), options: { suite: 'ecdsa-rdfc-2019' } },
    key,
  );
  const vc = ((await res.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const entries = vc.credentialStatus as JsonObject[];
  const served = async (purpose: string) => {
    const e = entries.find((x) => x.statusPurpose === purpose)!;
    const url = (e.statusListCredential as string).replace('http://127.0.0.1:8080', svc.url);
    const r = await fetch(url);
    t.is(r.status, 200);
    const slc = (await r.json()) as JsonObject;
    return {
      bit: decodeStatusList((slc.credentialSubject as JsonObject).encodedList).getStatus(Number(e.statusListIndex)),
      r,
      url,
    };
  };
  t.false((await served('suspension')).bit);
  const change = async (action: string, expect = 200) => {
    const r = await svc.post('/credentials/status', { credentialId: vc.id, action, reason: 'test' }, key);
    if (expect === 200) t.is(r.status, 200, action);
    return r;
  };
  await change('suspend');
  const s = await served('suspension');
  t.true(s.bit);
  const etag = s.r.headers.get('etag')!;
  t.regex(etag, /^"[0-9a-f]{64}"$/);
  t.is(s.r.headers.get('cache-control'), 'no-cache', 'caches revalidate a list at every use (ETag makes it cheap)');
  t.is((await fetch(s.url, { headers: { 'if-none-match': etag } })).status, 304);
  await change('reinstate');
  const after = await served('suspension');
  t.false(after.bit);
  t.not(after.r.headers.get('etag'), etag, 'a change gives a new ETag');
  t.is((await fetch(s.url, { headers: { 'if-none-match': etag } })).status, 200);
  await change('revoke');
  t.true((await served('revocation')).bit);
  await problem(t, await change('reinstate', 409), 409, 'STATUS_TRANSITION_ERROR');
});

test.serial('the OpenAPI document lists exactly the routes express registers', async (t) => {
  const app = createApp({ issuer: svc.issuer, apiKeys: [], adminTokenSha256: '0'.repeat(64) }) as unknown as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  const registered = app.router.stack
    .filter((l) => l.route)
    .flatMap((l) =>
      Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${l.route!.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    )
    .sort();
  const documented = Object.entries(openApiDocument.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  t.deepEqual(registered, documented);
  const served = (await (await fetch(`${svc.url}/openapi.json`)).json()) as JsonObject;
  t.is(served.openapi, '3.1.0');
  t.deepEqual(Object.keys(served.paths as JsonObject).sort(), Object.keys(openApiDocument.paths).sort());
});

test.serial('general VCDM 2.0 and 1.1 credentials for an allowed ministry; refusals for the rest', async (t) => {
  const key = svc.keys['test-issuer']!;
  const v2 = {
    credential: {
      '@context': [CREDENTIALS_V2_CONTEXT_URL],
      type: ['VerifiableCredential'],
      credentialSubject: { id: 'did:example:subject', name: 'Alice' },
    },
  };
  const unknownTerm = await svc.post('/credentials/issue', v2, key);
  // `name` is defined by the v2 context (schema.org name); an undefined term is not.
  t.is(unknownTerm.status, 201);
  const issued = ((await unknownTerm.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  t.is(issued.issuer, svc.issuer.getMinistry('test-issuer').did);
  const withPointers = await svc.post(
    '/credentials/issue',
    { ...v2, options: { mandatoryPointers: ['/credentialSubject/name'] } },
    key,
  );
  t.is(withPointers.status, 201);
  const sd = ((await withPointers.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  const derived = await deriveCredential({
    credential: sd,
    selectivePointers: ['/credentialSubject/id'],
    documentLoader: svc.issuer.documentLoader(),
  });
  t.is((derived.credentialSubject as JsonObject).name, 'Alice', 'the mandatory pointer was honoured');
  const v1 = {
    credential: {
      '@context': [CREDENTIALS_V1_CONTEXT_URL],
      type: ['VerifiableCredential'],
      credentialSubject: { id: 'did:example:subject' },
    },
    options: { suite: 'eddsa-rdfc-2022' },
  };
  const r1 = await svc.post('/credentials/issue', v1, key);
  t.is(r1.status, 201);
  const c1 = ((await r1.json()) as { verifiableCredential: JsonObject }).verifiableCredential;
  t.true((c1['@context'] as string[]).includes('https://w3id.org/security/data-integrity/v2'));
  t.truthy(c1.issuanceDate);
  t.true((await verifyIssued(c1, [svc.issuer.didDocument('test-issuer')])).verified);

  const undefinedTerm = { credential: { ...v2.credential, credentialSubject: { id: 'did:example:s', notATerm: 1 } } };
  await problem(t, await svc.post('/credentials/issue', undefinedTerm, key), 422, 'JSONLD_SAFE_MODE_ERROR');
  await problem(
    t,
    await svc.post(
      '/credentials/issue',
      { credential: { '@context': [CREDENTIALS_V2_CONTEXT_URL], type: ['VerifiableCredential'] } },
      key,
    ),
    400,
    'MALFORMED_VALUE_ERROR',
  );
  await problem(
    t,
    await svc.post(
      '/credentials/issue',
      { credential: { ...v2.credential, '@context': [CREDENTIALS_V2_CONTEXT_URL, 'https://example.org/ctx'] } },
      key,
    ),
    422,
    'CONTEXT_NOT_ALLOWED',
  );
  await problem(
    t,
    await svc.post(
      '/credentials/issue',
      { credential: { ...v2.credential, '@context': [CREDENTIALS_V2_CONTEXT_URL, { evil: 'https://evil.example/' }] } },
      key,
    ),
    422,
    'CONTEXT_NOT_ALLOWED',
  );
  await problem(
    t,
    await svc.post('/credentials/issue', { ...v2, options: { mandatoryPointers: ['/__proto__/x'] } }, key),
    400,
    'UNSAFE_POINTER',
  );
  await problem(
    t,
    await svc.post('/credentials/issue', { credential: { ...v2.credential, issuer: 'did:web:other.example' } }, key),
    422,
    'FORBIDDEN_FIELD',
  );
  // A ministry without allowGeneralCredentials cannot sign them.
  await problem(t, await svc.post('/credentials/issue', v2, svc.keys['bo-cong-an']), 422, 'UNKNOWN_CREDENTIAL_TYPE');
});

test.serial('logs carry method, route, status, duration, ministry and code but no subject data', async (t) => {
  const logs = svc.logs.map((l) => JSON.parse(l) as JsonObject).filter((l) => l.msg === 'request');
  t.true(logs.length > 20);
  const refused = logs.find((l) => l.code === 'ISSUER_NOT_AUTHORIZED')!;
  t.is(refused.method, 'POST');
  t.is(refused.route, '/credentials/issue');
  t.is(refused.status, 403);
  t.is(typeof refused.ms, 'number');
  t.truthy(refused.ministry);
  const all = svc.logs.join('\n');
  for (const type of TYPES) t.false(all.includes(String(fixtures[type].fullName)), `${type} name in logs`);
  t.false(all.includes('proofValue'));
});

test('per-key rate limit answers 429 with Retry-After, other keys unaffected', async (t) => {
  const limited = await startTestService({ rateLimit: { capacity: 3, refillPerSecond: 0.1 } });
  t.teardown(() => limited.close());
  const send = (slug: string) =>
    limited.post(
      '/credentials/status',
      { credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000000', action: 'revoke' },
      limited.keys[slug],
    );
  for (let i = 0; i < 3; i++) t.is((await send('bhxh')).status, 404);
  const res = await send('bhxh');
  t.is(res.headers.get('retry-after'), '10');
  await problem(t, res, 429, 'RATE_LIMITED');
  t.is((await send('dhqghn')).status, 404);
});
