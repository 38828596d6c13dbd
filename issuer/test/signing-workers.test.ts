// Signing in worker threads kept for the issuer's life: same credentials,
// same records, and the pool goes away with the issuer.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCredential, type JsonObject, verifyCredentialProof } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createIssuer } from '../src/index.js';

// Holders present derived ecdsa-sd-2023 credentials; a base proof itself is not verifiable.
async function verifies(
  credential: JsonObject,
  documentLoader: Parameters<typeof verifyCredentialProof>[0]['documentLoader'],
) {
  const sd = (credential.proof as JsonObject).cryptosuite === 'ecdsa-sd-2023';
  const presented = sd
    ? await deriveCredential({ credential, selectivePointers: ['/credentialSubject/fullName'], documentLoader })
    : credential;
  return verifyCredentialProof({ credential: presented, documentLoader });
}

async function withIssuer(
  signingWorkers: number | undefined,
  run: (issuer: Awaited<ReturnType<typeof createIssuer>>) => Promise<void>,
) {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-workers-'));
  const issuer = await createIssuer({
    dataDir: dir,
    passphrase: 'workers passphrase',
    baseUrl: 'http://127.0.0.1:8080',
    signingWorkers,
  });
  try {
    await issuer.addMinistry({
      slug: 'bo-cong-an',
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      role: 'MinistryOfPublicSecurity',
    });
    await run(issuer);
  } finally {
    await issuer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('an issuer with signing workers issues credentials that verify, records them, and refuses bad input alike', async (t) => {
  await withIssuer(2, async (issuer) => {
    const requests = ['eddsa-rdfc-2022', 'ecdsa-sd-2023', undefined].map((suite) => ({
      ministry: 'bo-cong-an',
      type: 'CitizenIdentityCard',
      subject: { ...fixtures.CitizenIdentityCard },
      ...(suite ? { suite } : {}),
    }));
    const issued = await Promise.all(requests.map((r) => issuer.issue(r as never)));
    for (const credential of issued) {
      const proof = await verifies(credential, issuer.documentLoader());
      t.true(proof.verified, proof.error?.message);
      t.is((await issuer.getRecord(credential.id as string)).state, 'active');
    }
    const refused = await t.throwsAsync(
      issuer.issue({ ministry: 'bo-cong-an', type: 'CitizenIdentityCard', subject: { fullName: 'x' } } as never),
    );
    t.is((refused as { code?: string }).code, 'SCHEMA_VALIDATION_ERROR');
    const batch = await issuer.issueBatch(
      Array.from({ length: 40 }, () => ({
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: { ...fixtures.CitizenIdentityCard },
      })),
    );
    t.true(batch.every((r) => r.ok));
    t.true((await issuer.verifyAuditLog()).valid);
  });
});

test('a batch can sign in the calling thread (workers: 0) and the result is the same kind of credential', async (t) => {
  await withIssuer(undefined, async (issuer) => {
    const batch = await issuer.issueBatch(
      Array.from({ length: 33 }, () => ({
        ministry: 'bo-cong-an',
        type: 'CitizenIdentityCard',
        subject: { ...fixtures.CitizenIdentityCard },
      })),
      { workers: 0 },
    );
    t.is(batch.filter((r) => r.ok).length, 33);
    const first = batch[0] as { ok: true; credential: Record<string, unknown> };
    t.true((await verifies(first.credential, issuer.documentLoader())).verified);
  });
});

test('nonsense worker counts are refused with a TypeError, before anything is written', async (t) => {
  for (const signingWorkers of [-1, 1.5, 65, Number.NaN]) {
    const dir = await mkdtemp(join(tmpdir(), 'vneid-workers-'));
    await t.throwsAsync(
      createIssuer({ dataDir: dir, passphrase: 'p', baseUrl: 'http://127.0.0.1:8080', signingWorkers }),
      { instanceOf: TypeError },
    );
    await rm(dir, { recursive: true, force: true });
  }
  await withIssuer(undefined, async (issuer) => {
    for (const workers of [-1, 2.5, 100]) {
      await t.throwsAsync(issuer.issueBatch([], { workers }), { instanceOf: TypeError });
    }
  });
});
