import { createHash } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import {
  canonize,
  countDisclosedStatements,
  createDocumentLoader,
  type JsonObject,
  sdProofKind,
  verifyCredentialProof,
} from '../src/index.js';
import { base58btc, mutateEveryByte } from './helpers/mutate.js';
import { readVector, readVectorJson, VECTOR_CONTEXTS } from './helpers/vectors.js';

const documentLoader = createDocumentLoader({ contexts: VECTOR_CONTEXTS });

const rdfcSuites = [
  {
    name: 'eddsa-rdfc-2022',
    dir: 'vc-di-eddsa/TestVectors/eddsa-rdfc-2022',
    unsigned: 'vc-di-eddsa/TestVectors/unsigned.json',
    files: {
      canonDoc: 'canonDocDataInt.txt',
      proofConfig: 'proofConfigDataInt.json',
      proofCanon: 'proofCanonDataInt.txt',
      docHash: 'docHashDataInt.txt',
      proofHash: 'proofHashDataInt.txt',
      combined: 'combinedHashDataInt.txt',
      signed: 'signedDataInt.json',
    },
  },
  {
    name: 'ecdsa-rdfc-2019 (P-256)',
    dir: 'vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256',
    unsigned: 'vc-di-ecdsa/TestVectors/unsigned.json',
    files: {
      canonDoc: 'canonDocECDSAP256.txt',
      proofConfig: 'proofConfigECDSAP256.json',
      proofCanon: 'proofCanonECDSAP256.txt',
      docHash: 'docHashECDSAP256.txt',
      proofHash: 'proofHashECDSAP256.txt',
      combined: 'combinedHashECDSAP256.txt',
      signed: 'signedECDSAP256.json',
    },
  },
  {
    name: 'ecdsa-rdfc-2019 (P-384)',
    dir: 'vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384',
    unsigned: 'vc-di-ecdsa/TestVectors/unsigned.json',
    files: {
      canonDoc: 'canonDocECDSAP384.txt',
      proofConfig: 'proofConfigECDSAP384.json',
      proofCanon: 'proofCanonECDSAP384.txt',
      docHash: 'docHashECDSAP384.txt',
      proofHash: 'proofHashECDSAP384.txt',
      combined: 'combinedHashECDSAP384.txt',
      signed: 'signedECDSAP384.json',
    },
  },
];

for (const suite of rdfcSuites) {
  const f = (k: keyof typeof suite.files) => `${suite.dir}/${suite.files[k]}`;

  test(`${suite.name}: our loader reproduces the canonical document, the proof configuration and every hash`, async (t) => {
    // The first sighting of a shape goes through jsonld, later ones through its compiled template: both must match.
    for (let sighting = 1; sighting <= 3; sighting++) await reproducesHashes(t);
  });

  async function reproducesHashes(t: ExecutionContext): Promise<void> {
    const canonDoc = await canonize(readVectorJson(suite.unsigned), { documentLoader });
    t.is(canonDoc, readVector(f('canonDoc')));
    const hash = (s: string) =>
      createHash(suite.name.includes('P-384') ? 'sha384' : 'sha256')
        .update(s)
        .digest('hex');
    const docHash = hash(canonDoc);
    t.is(docHash, readVector(f('docHash')).trim());
    const proofCanon = await canonize(readVectorJson(f('proofConfig')), { documentLoader });
    t.is(proofCanon, readVector(f('proofCanon')));
    const proofHash = hash(proofCanon);
    t.is(proofHash, readVector(f('proofHash')).trim());
    t.is(proofHash + docHash, readVector(f('combined')).trim());
  }

  test(`${suite.name}: the signed vector verifies offline through our suites`, async (t) => {
    const result = await verifyCredentialProof({
      credential: readVectorJson(f('signed')),
      documentLoader,
      bindIssuer: false,
      // A general, spec-conformant caller: the P-256 vector's signature is high-S.
      strictProof: false,
    });
    t.true(result.verified, result.error?.message);
  });

  test(`${suite.name}: changing any byte of the proofValue fails with PROOF_VERIFICATION_ERROR`, async (t) => {
    const signed = readVectorJson<JsonObject & { proof: JsonObject }>(f('signed'));
    const proofValue = signed.proof.proofValue as string;
    let checked = 0;
    for (const mutated of mutateEveryByte(proofValue)) {
      const credential = { ...signed, proof: { ...signed.proof, proofValue: mutated } };
      const result = await verifyCredentialProof({ credential, documentLoader, bindIssuer: false });
      t.false(result.verified, `mutation ${checked} verified`);
      t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
      checked += 1;
    }
    t.true(checked >= 48);
  });

  test(`${suite.name}: a changed claim fails with PROOF_VERIFICATION_ERROR`, async (t) => {
    const signed = readVectorJson<JsonObject & { credentialSubject: JsonObject }>(f('signed'));
    const credential = {
      ...signed,
      credentialSubject: { ...signed.credentialSubject, alumniOf: 'The School of Forgery' },
    };
    const result = await verifyCredentialProof({ credential, documentLoader, bindIssuer: false });
    t.false(result.verified);
    t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
  });
}

const SD = 'vc-di-ecdsa/TestVectors/ecdsa-sd-2023/employ';

test('ecdsa-sd-2023: our loader reproduces the base document canonical form', async (t) => {
  const canon = await canonize(readVectorJson('vc-di-ecdsa/TestVectors/employmentAuth.json'), { documentLoader });
  const lines = canon.split(/(?<=\n)/);
  const expected = readVectorJson<string[]>(`${SD}/addBaseDocCanon.json`);
  t.deepEqual(lines, expected);
  t.is(
    await canonize(readVectorJson(`${SD}/addProofConfig.json`), { documentLoader }),
    readVector(`${SD}/addProofConfigCanon.txt`),
  );
});

test('ecdsa-sd-2023: the derived (reveal) vector verifies offline', async (t) => {
  const result = await verifyCredentialProof({
    credential: readVectorJson(`${SD}/derivedRevealDocument.json`),
    documentLoader,
    bindIssuer: false,
  });
  t.true(result.verified, result.error?.message);
});

test('ecdsa-sd-2023: the base-proof vector is not accepted by a verifier', async (t) => {
  const result = await verifyCredentialProof({
    credential: readVectorJson(`${SD}/addSignedSDBase.json`),
    documentLoader,
    bindIssuer: false,
  });
  t.false(result.verified);
  t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
});

test('ecdsa-sd-2023: changing any byte of the derived proofValue fails with PROOF_VERIFICATION_ERROR', async (t) => {
  const signed = readVectorJson<JsonObject & { proof: JsonObject }>(`${SD}/derivedRevealDocument.json`);
  const proofValue = signed.proof.proofValue as string;
  let checked = 0;
  for (const mutated of mutateEveryByte(proofValue)) {
    const credential = { ...signed, proof: { ...signed.proof, proofValue: mutated } };
    const result = await verifyCredentialProof({ credential, documentLoader, bindIssuer: false });
    t.false(result.verified, `mutation ${checked} verified`);
    t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
    checked += 1;
  }
  t.true(checked > 500);
});

test('ecdsa-sd-2023: a disclosed claim changed in the derived vector fails', async (t) => {
  const signed = readVectorJson<JsonObject & { credentialSubject: JsonObject }>(`${SD}/derivedRevealDocument.json`);
  const credential = { ...signed, credentialSubject: { ...signed.credentialSubject, birthCountry: 'Viet Nam' } };
  const result = await verifyCredentialProof({ credential, documentLoader, bindIssuer: false });
  t.false(result.verified);
  t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
});

test('ecdsa-sd-2023: base and derived proofs are told apart by their header', (t) => {
  const base = readVectorJson<{ proof: { proofValue: string } }>(`${SD}/addSignedSDBase.json`);
  const derived = readVectorJson<{ proof: { proofValue: string } }>(`${SD}/derivedRevealDocument.json`);
  t.is(sdProofKind(base.proof.proofValue), 'base');
  t.is(sdProofKind(derived.proof.proofValue), 'derived');
  t.is(sdProofKind('z3abc'), undefined);
});

test('ecdsa-sd-2023: an injected claim is counted as shown but not covered by the derived proof', async (t) => {
  const derived = readVectorJson<JsonObject & { credentialSubject: JsonObject }>(`${SD}/derivedRevealDocument.json`);
  const intact = await countDisclosedStatements(derived, { documentLoader });
  t.truthy(intact);
  t.is(intact!.shown, intact!.covered);
  const injected = { ...derived, credentialSubject: { ...derived.credentialSubject, birthDate: '1990-01-01' } };
  const counted = await countDisclosedStatements(injected, { documentLoader });
  t.is(counted!.shown, intact!.shown + 1);
  t.is(counted!.covered, intact!.covered);
  t.is(await countDisclosedStatements(readVectorJson(`${SD}/addSignedSDBase.json`), { documentLoader }), undefined);
});

test('eddsa-rdfc-2022: a non-canonical signature (S + L, same curve point maths) is refused: verification is strict', async (t) => {
  const signed = readVectorJson<JsonObject & { proof: JsonObject }>(
    'vc-di-eddsa/TestVectors/eddsa-rdfc-2022/signedDataInt.json',
  );
  const sig = base58btc.decode(signed.proof.proofValue as string);
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  let malleated = s + L;
  const out = Uint8Array.from(sig);
  for (let i = 0; i < 32; i++) {
    out[32 + i] = Number(malleated & 0xffn);
    malleated >>= 8n;
  }
  const credential = { ...signed, proof: { ...signed.proof, proofValue: base58btc.encode(out) } };
  const result = await verifyCredentialProof({ credential, documentLoader, bindIssuer: false });
  t.false(result.verified);
  t.is(result.error?.code, 'PROOF_VERIFICATION_ERROR');
});
