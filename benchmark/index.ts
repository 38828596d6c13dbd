// `pnpm bench`: each figure beside a baseline measured in the same run.
// Baseline = one raw signature verification of 32 bytes with node:crypto
// (Ed25519) — the irreducible cryptographic cost; every other figure is how
// many baseline verifications one operation costs.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus } from 'node:os';
import {
  CREDENTIALS_V2_CONTEXT_URL,
  canonize,
  createDocumentLoader,
  deriveCredential,
  generateKeyPair,
  mandatoryPointersFor,
  signCredential,
  verifyCredentialProof,
} from '@vneid/core';
import { credentialSchemaFor, fixtures, getCredentialType, registeredContexts } from '@vneid/schemas';
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
  });

await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result as { throughput?: { mean: number }; latency?: { mean: number } } | undefined;
  const meanMs = r?.latency?.mean ?? Number.NaN;
  return { name: t.name, meanMs };
});
const base = rows[0]!.meanMs;
console.log(`\nMachine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}`);
console.log('operation'.padEnd(56), 'mean'.padStart(12), '× baseline'.padStart(12));
for (const r of rows) {
  console.log(
    r.name.padEnd(56),
    `${r.meanMs.toFixed(3)} ms`.padStart(12),
    `${(r.meanMs / base).toFixed(1)}×`.padStart(12),
  );
}
