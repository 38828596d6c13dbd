import { CREDENTIALS_V2_CONTEXT_URL, decodeBase58, type JsonObject, verifyCredentialProof } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createIssuer } from '../src/index.js';
import { startTestService } from './helpers/service.js';
import { freshIssuer, holderDid, PASSPHRASE, verifierLoader, verifyIssued } from './helpers/setup.js';

const codeOf = (e: unknown) => (e as { code?: unknown } | undefined)?.code;
const general = (): JsonObject => ({
  '@context': [CREDENTIALS_V2_CONTEXT_URL],
  type: ['VerifiableCredential'],
  credentialSubject: { id: 'did:example:subject', name: 'Alice' },
});
const GENERAL = {
  slug: 'test-issuer',
  name: { vi: 'Đơn vị thử nghiệm', en: 'Test issuer' },
  role: 'GeneralTestIssuer',
  allowGeneralCredentials: true,
} as const;

function tampered(vc: JsonObject): JsonObject {
  const copy = structuredClone(vc);
  const subject = copy.credentialSubject as JsonObject;
  if ('name' in subject) subject.name = 'Mallory';
  else subject.fullName = 'Mallory';
  return copy;
}

test('eddsa-jcs-2022 and ecdsa-rdfc-2019 with P-384 are issued, verify, and refuse a changed credential', async (t) => {
  const { issuer, dir, cleanup } = await freshIssuer({ signingWorkers: 1 });
  t.teardown(cleanup);
  await issuer.addMinistry(GENERAL);
  const loader = () => verifierLoader(issuer.listMinistries().map((m) => issuer.didDocument(m.slug)));

  const jcs = await issuer.issueGeneral({ ministry: 'test-issuer', credential: general(), suite: 'eddsa-jcs-2022' });
  t.is((jcs.proof as JsonObject).cryptosuite, 'eddsa-jcs-2022');
  t.true((await verifyCredentialProof({ credential: jcs, documentLoader: loader() })).verified);
  t.false((await verifyCredentialProof({ credential: tampered(jcs), documentLoader: loader() })).verified);

  const p384 = await issuer.issueGeneral({
    ministry: 'test-issuer',
    credential: general(),
    suite: 'ecdsa-rdfc-2019',
    keyType: 'P-384',
  });
  const proof = p384.proof as JsonObject;
  const key = issuer.getMinistry('test-issuer').keys.find((k) => k.keyType === 'P-384');
  t.truthy(key, 'a P-384 key was created on first use');
  t.is(proof.verificationMethod, key!.id);
  t.is(decodeBase58((proof.proofValue as string).slice(1))?.length, 96, 'a P-384 r‖s signature (SHA-384)');
  t.true((await verifyCredentialProof({ credential: p384, documentLoader: loader() })).verified);
  t.false((await verifyCredentialProof({ credential: tampered(p384), documentLoader: loader() })).verified);

  // Our document types too, in the signing worker, with the same suites.
  for (const [suite, keyType] of [
    ['eddsa-jcs-2022', undefined],
    ['ecdsa-rdfc-2019', 'P-384'],
  ] as const) {
    const vc = await issuer.issue({
      ministry: 'bo-cong-an',
      type: 'CitizenIdentityCard',
      subject: { ...fixtures.CitizenIdentityCard, id: await holderDid() } as Record<string, unknown>,
      suite,
      ...(keyType ? { keyType } : {}),
    });
    t.true((await verifyIssued(vc, [issuer.didDocument('bo-cong-an')])).verified, suite);
  }

  // The trust bundle and the DID document list the P-384 key with its window.
  const entry = issuer.trustBundleIssuers().find((i) => i.id === issuer.getMinistry('test-issuer').did)!;
  const listed = entry.verificationMethods.find((m) => m.id === key!.id);
  t.is(listed?.publicKeyMultibase, key!.publicKeyMultibase);
  t.regex(key!.publicKeyMultibase, /^z82/, 'a P-384 Multikey');
  t.truthy(listed?.validFrom);
  t.true(JSON.stringify(issuer.didDocument('test-issuer')).includes(key!.publicKeyMultibase));

  // A wrong key type for the suite is refused before anything is signed.
  const wrong = issuer.issueGeneral({
    ministry: 'test-issuer',
    credential: general(),
    suite: 'eddsa-jcs-2022',
    keyType: 'P-384',
  });
  t.is(codeOf(await t.throwsAsync(wrong)), 'INVALID_KEY');
  const sd384 = issuer.issueGeneral({
    ministry: 'test-issuer',
    credential: general(),
    suite: 'ecdsa-sd-2023',
    keyType: 'P-384',
  });
  t.is(codeOf(await t.throwsAsync(sd384)), 'INVALID_KEY');

  // The key store keeps the P-384 secret: after a restart it signs again, and rotates.
  await issuer.close();
  const again = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => again.close());
  const after = await again.issueGeneral({
    ministry: 'test-issuer',
    credential: general(),
    suite: 'ecdsa-rdfc-2019',
    keyType: 'P-384',
  });
  t.is((after.proof as JsonObject).verificationMethod, key!.id);
  const rotated = await again.rotateKey('test-issuer', 'P-384');
  t.is(rotated.keyType, 'P-384');
  t.not(rotated.id, key!.id);
  t.truthy(
    again.getMinistry('test-issuer').keys.find((k) => k.id === key!.id)?.validUntil,
    'the old P-384 key is retired',
  );
});

test('the VC API takes options.keyType; a P-384 did:key instance signs ecdsa-rdfc-2019 with SHA-384', async (t) => {
  const svc = await startTestService();
  t.teardown(() => svc.close());
  const res = await svc.post(
    '/credentials/issue',
    { credential: general(), options: { suite: 'ecdsa-rdfc-2019', keyType: 'P-384' } },
    svc.keys['test-issuer'],
  );
  t.is(res.status, 201);
  const bad = await svc.post(
    '/credentials/issue',
    { credential: general(), options: { suite: 'eddsa-rdfc-2022', keyType: 'P-384' } },
    svc.keys['test-issuer'],
  );
  t.is(bad.status, 422);
  t.is(((await bad.json()) as JsonObject).code, 'INVALID_KEY');
  const info = await svc.issuer.addMinistry({ ...GENERAL, slug: 'p384-agency', didMethod: 'key', keyType: 'P-384' });
  t.regex(info.did, /^did:key:z82/);
  const vc = await svc.issuer.issueGeneral({
    ministry: 'p384-agency',
    credential: general(),
    suite: 'ecdsa-rdfc-2019',
  });
  t.true((await verifyCredentialProof({ credential: vc, documentLoader: verifierLoader([]) })).verified);
  // Its status lists are signed with that key too.
  const withStatus = await svc.issuer.issueGeneral({
    ministry: 'p384-agency',
    credential: general(),
    suite: 'ecdsa-rdfc-2019',
    credentialStatus: { type: 'BitstringStatusListEntry' },
  });
  const listUrl = (withStatus.credentialStatus as JsonObject[])[0]!.statusListCredential as string;
  const list = await svc.issuer.getStatusListCredential(listUrl.split('/').pop()!);
  t.is(list.issuer, info.did);
  t.true((await verifyCredentialProof({ credential: list, documentLoader: verifierLoader([]) })).verified);
});
