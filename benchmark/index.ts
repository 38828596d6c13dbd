// `pnpm bench`: each figure beside a baseline measured in the same run.
// Baseline = one raw signature verification of 32 bytes with node:crypto
// (Ed25519) — the irreducible cryptographic cost; every other figure is how
// many baseline verifications one operation costs.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  createOfflineDidResolver,
  deriveCredential,
  generateKeyPair,
  mandatoryPointersFor,
  type PresentationRequest,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import { createIssuer } from '@vneid/issuer';
import { credentialSchemaFor, fixtures, getCredentialType, registeredContexts } from '@vneid/schemas';
import {
  createTrustBundle,
  type FetchLike,
  loadTrustBundle,
  openStatusCache,
  signTrustBundle,
  syncStatus,
  verifyPresentation,
} from '@vneid/verifier';
import { openWallet } from '@vneid/wallet-core';
import { Bench } from 'tinybench';

const documentLoader = createDocumentLoader({ contexts: registeredContexts() });
const ed = generateKeyPairSync('ed25519');
const message = Buffer.alloc(32, 7);
const rawSig = sign(null, message, ed.privateKey);

const ed25519 = await generateKeyPair({ keyType: 'Ed25519' });
const p256 = await generateKeyPair({ keyType: 'P-256' });
const credentialOf = (issuer: string) => ({
  '@context': [CREDENTIALS_V2_CONTEXT_URL, getCredentialType('DrivingLicence').contextUrl],
  id: 'urn:uuid:5b1d0e43-1d2f-4b8e-9d0a-7f3e2c1b0a99',
  type: ['VerifiableCredential', 'DrivingLicence'],
  issuer,
  validFrom: '2026-01-01T00:00:00Z',
  validUntil: '2036-01-01T00:00:00Z',
  credentialSchema: credentialSchemaFor('DrivingLicence'),
  credentialSubject: { ...fixtures.DrivingLicence },
});
const mandatory = mandatoryPointersFor(credentialOf(p256.controller));
const eddsaSigned = await signCredential({
  credential: credentialOf(ed25519.controller),
  key: ed25519,
  cryptosuite: 'eddsa-rdfc-2022',
  documentLoader,
});
const sdBase = await signCredential({
  credential: credentialOf(p256.controller),
  key: p256,
  cryptosuite: 'ecdsa-sd-2023',
  documentLoader,
  mandatoryPointers: mandatory,
});
const sdDerived = await deriveCredential({
  credential: sdBase,
  selectivePointers: ['/credentialSubject/fullName', '/credentialSubject/licenceClasses'],
  documentLoader,
});

// The whole chain on real LevelDB folders: issuer (synced writes) → wallet → offline verifier.
const dir = await mkdtemp(join(tmpdir(), 'vneid-bench-'));
const issuer = await createIssuer({
  dataDir: join(dir, 'issuer'),
  passphrase: 'benchmark passphrase',
  baseUrl: 'http://127.0.0.1:8080',
});
await issuer.addMinistry({
  slug: 'bo-cong-an',
  name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
  role: 'MinistryOfPublicSecurity',
});
const wallet = await openWallet({
  path: join(dir, 'wallet'),
  passphrase: 'benchmark wallet',
  resolver: createOfflineDidResolver({ documents: () => [issuer.didDocument('bo-cong-an')] }),
});
await wallet.add(
  await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'DrivingLicence',
    subject: { ...fixtures.DrivingLicence },
    holder: wallet.holderDid,
  }),
);
const anchor = await generateKeyPair({
  keyType: 'Ed25519',
  controller: 'did:web:vneid.gov.vn',
  id: 'did:web:vneid.gov.vn#anchor',
});
const now = new Date();
const bundle = await loadTrustBundle(
  await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: now,
      validUntil: new Date(now.getTime() + 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now },
  ),
  { anchorKey: anchor.publicKeyMultibase, now },
);
const statusCache = await openStatusCache({ path: join(dir, 'status') });
const fetchFromIssuer: FetchLike = async (url) =>
  new Response(JSON.stringify(await issuer.getStatusListCredential(url.split('/').pop()!)), { status: 200 });
await syncStatus(bundle, { cache: statusCache, now, fetch: fetchFromIssuer });
const request: PresentationRequest = {
  query: [
    {
      type: 'QueryByExample',
      credentialQuery: { example: { type: 'DrivingLicence', credentialSubject: { fullName: '', licenceClasses: '' } } },
    },
  ],
  challenge: 'benchmark-challenge-0001',
  domain: 'csgt.example.vn',
};
const { presentation } = await wallet.present(request);
const hostile = {
  ...presentation,
  verifiableCredential: [{ credentialSubject: { licenceClasses: new Array(20_000).fill({ licenceClass: 'B' }) } }],
};

const bench = new Bench({ time: 1500, warmupTime: 300 });
bench
  .add('baseline: raw Ed25519 verify (node:crypto)', () => {
    verify(null, message, ed.publicKey, rawSig);
  })
  .add('canonicalize DrivingLicence (RDFC-1.0, safe mode)', async () => {
    await canonize(credentialOf(ed25519.controller), { documentLoader });
  })
  .add('sign DrivingLicence eddsa-rdfc-2022', async () => {
    await signCredential({
      credential: credentialOf(ed25519.controller),
      key: ed25519,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader,
    });
  })
  .add('verify DrivingLicence eddsa-rdfc-2022', async () => {
    await verifyCredentialProof({ credential: eddsaSigned, documentLoader });
  })
  .add('sign DrivingLicence ecdsa-sd-2023 (base)', async () => {
    await signCredential({
      credential: credentialOf(p256.controller),
      key: p256,
      cryptosuite: 'ecdsa-sd-2023',
      documentLoader,
      mandatoryPointers: mandatory,
    });
  })
  .add('derive 2 fields ecdsa-sd-2023', async () => {
    await deriveCredential({
      credential: sdBase,
      selectivePointers: ['/credentialSubject/fullName', '/credentialSubject/licenceClasses'],
      documentLoader,
    });
  })
  .add('verify derived ecdsa-sd-2023', async () => {
    await verifyCredentialProof({ credential: sdDerived, documentLoader });
  })
  .add('issuer.issue DrivingLicence (sd, status indexes, synced LevelDB batch)', async () => {
    await issuer.issue({ ministry: 'bo-cong-an', type: 'DrivingLicence', subject: { ...fixtures.DrivingLicence } });
  })
  .add('wallet.present 2 fields (decrypt, derive, sign VP, log)', async () => {
    await wallet.present(request);
  })
  .add('verifier refuses a credential with a 20,000-entry array (TRAPS: 6.5 s in jsonld)', async () => {
    const report = await verifyPresentation(hostile, {
      challenge: request.challenge,
      domain: request.domain,
      request,
      bundle,
      statusCache,
      now,
    });
    if (report.verified) throw new Error('hostile input verified');
  })
  .add('verifier.verifyPresentation (all checks, offline)', async () => {
    const report = await verifyPresentation(presentation, {
      challenge: request.challenge,
      domain: request.domain,
      request,
      bundle,
      statusCache,
      now,
    });
    if (!report.verified) throw new Error('benchmark presentation did not verify');
  });

await bench.run();
await wallet.close();
await statusCache.close();
await issuer.close();
await rm(dir, { recursive: true, force: true });

const rows = bench.tasks.map((t) => {
  const r = t.result as { throughput?: { mean: number }; latency?: { mean: number } } | undefined;
  const meanMs = r?.latency?.mean ?? Number.NaN;
  return { name: t.name, meanMs };
});
const base = rows[0]!.meanMs;
console.log(`\nMachine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`);
console.log('operation'.padEnd(72), 'mean'.padStart(12), '× baseline'.padStart(12));
for (const r of rows) {
  console.log(
    r.name.padEnd(72),
    `${r.meanMs.toFixed(3)} ms`.padStart(12),
    `${(r.meanMs / base).toFixed(1)}×`.padStart(12),
  );
}
