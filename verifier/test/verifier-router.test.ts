import type { AddressInfo } from 'node:net';
import {
  contextDigests,
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  generateKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  signCredential,
  W3C_CONTEXTS,
} from '@vneid/core';
import { credentialSchemaFor, fixtures, registeredContexts } from '@vneid/schemas';
import test from 'ava';
import express from 'express';
import { readVectorJson, VECTOR_CONTEXTS } from '../../packages/core/test/helpers/vectors.js';
import { createVerifierRouter, syncStatus } from '../src/index.js';
import {
  bundleIssuer,
  createWorld,
  derive,
  issue,
  LIST_BASE,
  NOW,
  present,
  publishLists,
  type World,
} from './helpers/world.js';

let world: World;
const vectorLoader = () =>
  createDocumentLoader({
    contexts: VECTOR_CONTEXTS,
    resolver: createOfflineDidResolver({
      documents: [
        createDidDocument({
          did: world.ministry.did,
          verificationMethods: [world.ministry.key, world.ministry.edKey],
        }),
      ],
    }),
  });
let base: string;
let close: () => void;

async function serve(router: express.Router): Promise<{ url: string; close: () => void }> {
  const app = express();
  app.use(router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test.before(async () => {
  world = await createWorld({
    issuers: ({ ministry }) => [
      bundleIssuer(ministry, {
        name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
        credentialTypes: ['CitizenIdentityCard', 'DrivingLicence', 'AlumniCredential'],
        statusLists: [`${LIST_BASE}/revocation/1`, `${LIST_BASE}/suspension/1`],
      }),
    ],
    contexts: {
      ...contextDigests(W3C_CONTEXTS),
      ...contextDigests(registeredContexts() as Map<string, JsonLdContextDocument>),
      ...contextDigests(VECTOR_CONTEXTS),
    },
  });
  await publishLists(world);
  await syncStatus(world.loaded, { cache: world.cache, now: NOW, fetch: world.fetch });
  const s = await serve(
    createVerifierRouter({
      bundle: world.loaded,
      statusCache: world.cache,
      now: () => NOW,
      extraContexts: VECTOR_CONTEXTS,
    }),
  );
  base = s.url;
  close = s.close;
});
test.after.always(async () => {
  close?.();
  await world?.close();
});

async function post(path: string, body: unknown, url = base): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

test('POST /credentials/verify answers 200 with the report for a verified credential, 422 for a tampered one', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const ok = await post('/credentials/verify', { verifiableCredential: vc, options: {} });
  t.is(ok.status, 200);
  t.true(ok.json.verified);
  const subject = vc.credentialSubject as JsonObject;
  const bad = await post('/credentials/verify', {
    verifiableCredential: { ...vc, credentialSubject: { ...subject, fullName: 'Giả' } },
  });
  t.is(bad.status, 422);
  t.is(bad.json.errors[0].code, 'PROOF_VERIFICATION_ERROR');
});

test('malformed bodies get 400: not JSON, prototype keys, too large, missing credential, unknown check', async (t) => {
  const notJson = await post('/credentials/verify', '{"verifiableCredential":');
  t.is(notJson.status, 400);
  t.is(notJson.json.errors[0].code, 'UNSAFE_JSON');
  const proto = await post('/credentials/verify', '{"verifiableCredential":{},"__proto__":{"admin":true}}');
  t.is(proto.status, 400);
  t.is(proto.json.errors[0].code, 'UNSAFE_JSON');
  const huge = await post('/credentials/verify', { verifiableCredential: { x: 'y'.repeat(300 * 1024) } });
  t.is(huge.status, 400);
  t.is(huge.json.errors[0].code, 'INPUT_LIMIT_EXCEEDED');
  t.is((await post('/credentials/verify', { options: {} })).status, 400);
  t.is(
    (await post('/credentials/verify', { verifiableCredential: {}, options: { checks: ['everything'] } })).status,
    400,
  );
});

test('options.checks ["proof"] runs only the proof check: an expired credential then passes, others skipped', async (t) => {
  const vc = await derive(world, await issue(world, { validUntil: '2026-05-02T00:00:00Z' }), ['fullName']);
  const all = await post('/credentials/verify', { verifiableCredential: vc });
  t.is(all.status, 422);
  const proofOnly = await post('/credentials/verify', { verifiableCredential: vc, options: { checks: ['proof'] } });
  t.is(proofOnly.status, 200);
  const results = Object.fromEntries(
    proofOnly.json.checks.filter((c: any) => c.target === 'credential').map((c: any) => [c.check, c.result]),
  );
  t.is(results.proof, 'valid');
  t.is(results.validityPeriod, 'skipped');
  t.is(results.revocation, 'skipped');
});

test('a VCDM 1.1 credential (issuanceDate/expirationDate) verifies; an expired one fails with CREDENTIAL_EXPIRED', async (t) => {
  // VNeID types are VCDM 2.0 only (v1 has no JsonSchema term); a v1 credential
  // of another type the bundle authorises is what a partner may present.
  const unsigned = readVectorJson('vc-di-eddsa/TestVectors/unsigned.json');
  const v1 = (expirationDate: string) =>
    signCredential({
      credential: {
        '@context': [
          'https://www.w3.org/2018/credentials/v1',
          DATA_INTEGRITY_V2_CONTEXT_URL,
          ...(unsigned['@context'] as string[]).slice(1),
        ],
        type: unsigned.type,
        issuer: world.ministry.did,
        issuanceDate: '2026-01-01T00:00:00Z',
        expirationDate,
        credentialSubject: unsigned.credentialSubject,
      },
      key: world.ministry.edKey,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader: vectorLoader(),
      now: new Date('2026-05-01T00:00:00Z'),
    });
  const ok = await post('/credentials/verify', { verifiableCredential: await v1('2036-01-01T00:00:00Z') });
  t.is(ok.status, 200, JSON.stringify(ok.json.errors));
  const expired = await post('/credentials/verify', { verifiableCredential: await v1('2026-05-15T00:00:00Z') });
  t.is(expired.status, 422);
  t.true(expired.json.errors.some((e: any) => e.code === 'CREDENTIAL_EXPIRED'));
});

test('integrity-only (never the default) accepts a did:key issuer that the trust-bundle policy refuses', async (t) => {
  const key = await generateKeyPair({ keyType: 'Ed25519' });
  const unsigned = readVectorJson('vc-di-eddsa/TestVectors/unsigned.json');
  const vc = await signCredential({
    credential: { ...unsigned, issuer: key.controller },
    key,
    cryptosuite: 'eddsa-rdfc-2022',
    documentLoader: vectorLoader(),
    now: new Date('2026-05-01T00:00:00Z'),
  });
  const strict = await post('/credentials/verify', { verifiableCredential: vc });
  t.is(strict.status, 422);
  t.true(strict.json.errors.some((e: any) => e.code === 'ISSUER_NOT_TRUSTED'));
  const lax = await serve(
    createVerifierRouter({
      bundle: world.loaded,
      statusCache: world.cache,
      now: () => NOW,
      policy: 'integrity-only',
      extraContexts: VECTOR_CONTEXTS,
    }),
  );
  t.teardown(lax.close);
  const accepted = await post('/credentials/verify', { verifiableCredential: vc }, lax.url);
  t.is(accepted.status, 200, JSON.stringify(accepted.json.errors));
  const other = await generateKeyPair({ keyType: 'Ed25519' });
  const foreign = await post(
    '/credentials/verify',
    { verifiableCredential: { ...vc, issuer: other.controller } },
    lax.url,
  );
  t.is(foreign.status, 422);
});

test('POST /presentations/verify: 200 verified, 422 for a wrong domain, 400 without a challenge', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], { challenge: 'router-challenge', domain: 'nganhang.example' });
  const ok = await post('/presentations/verify', {
    verifiablePresentation: vp,
    options: { challenge: 'router-challenge', domain: 'nganhang.example' },
  });
  t.is(ok.status, 200, JSON.stringify(ok.json.errors));
  t.is(ok.json.credentials[0].claims[0].label.vi, 'Họ, chữ đệm và tên');
  const wrong = await post('/presentations/verify', {
    verifiablePresentation: vp,
    options: { challenge: 'router-challenge', domain: 'other.example' },
  });
  t.is(wrong.status, 422);
  t.true(wrong.json.errors.some((e: any) => e.code === 'DOMAIN_MISMATCH'));
  const missing = await post('/presentations/verify', { verifiablePresentation: vp, options: { domain: 'x' } });
  t.is(missing.status, 400);
});

test('POST /presentations/verify without a challenge store: a replay is 422 CHALLENGE_REPLAYED; allowReplay opts out', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], { challenge: 'router-replay', domain: 'nganhang.example' });
  const body = { verifiablePresentation: vp, options: { challenge: 'router-replay', domain: 'nganhang.example' } };
  t.is((await post('/presentations/verify', body)).status, 200);
  const replay = await post('/presentations/verify', body);
  t.is(replay.status, 422);
  t.deepEqual(
    replay.json.errors.map((e: any) => e.code),
    ['CHALLENGE_REPLAYED'],
  );
  const lax = await serve(
    createVerifierRouter({ bundle: world.loaded, statusCache: world.cache, now: NOW, allowReplay: true }),
  );
  t.teardown(lax.close);
  t.is((await post('/presentations/verify', body, lax.url)).status, 200);
  t.is((await post('/presentations/verify', body, lax.url)).status, 200);
});

test('options.checks cannot switch off the proof: a forged presentation signature is 422 whatever checks are asked for', async (t) => {
  const vc = await derive(world, await issue(world), ['fullName']);
  const vp = await present(world, [vc], { challenge: 'router-forged', domain: 'nganhang.example' });
  const proof = vp.proof as JsonObject;
  const forged = { ...vp, proof: { ...proof, proofValue: `z${'1'.repeat(86)}` } };
  for (const checks of [['holderBinding', 'requestSatisfied'], ['schema'], ['proof']]) {
    const r = await post('/presentations/verify', {
      verifiablePresentation: forged,
      options: { challenge: 'router-forged', domain: 'nganhang.example', checks },
    });
    t.is(r.status, 422, JSON.stringify(checks));
    t.false(r.json.verified);
    t.is(r.json.checks.find((c: any) => c.target === 'presentation' && c.check === 'proof')?.result, 'invalid');
  }
});

test('the router refuses a bundle that did not come from loadTrustBundle', (t) => {
  t.throws(() => createVerifierRouter({ bundle: undefined as never, statusCache: world.cache }), {
    instanceOf: TypeError,
  });
  t.truthy(fixtures.CitizenIdentityCard && credentialSchemaFor('CitizenIdentityCard'));
});
