import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import { deflateRawSync } from 'node:zlib';
import {
  cborldTableStrings,
  createDocumentLoader,
  decodePresentationQr,
  decodeRequestQr,
  deriveCredential,
  encodePresentationQr,
  encodeRequestQr,
  generateKeyPair,
  type JsonLdContextDocument,
  type JsonObject,
  qrSymbolOf,
  readQrImage,
  selectivePointersFor,
  signPresentation,
  verifyCredentialProof,
  verifyPresentationProof,
} from '@vneid/core';
import { credentialTypeUrls, listCredentialTypes, registeredContexts } from '@vneid/schemas';
import test from 'ava';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { createTestIssuer } from './helpers/issue.js';

test.after.always('no test reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;
const contexts = registeredContexts() as Map<string, JsonLdContextDocument>;
const CHALLENGE = 'c0ffee-roadside-0001';
const DOMAIN = 'csgt.bocongan.gov.vn';

async function presentationOf(
  type: 'DrivingLicence' | 'CitizenIdentityCard',
  fields: string[],
  extra: Array<{ type: 'DrivingLicence' | 'CitizenIdentityCard'; fields: string[] }> = [],
) {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const documentLoader = createDocumentLoader({ contexts, resolver: issuer.resolver });
  const derived: JsonObject[] = [];
  for (const q of [{ type, fields }, ...extra]) {
    const vc = await issuer.issue({ type: q.type, holder: holder.controller });
    derived.push(
      await deriveCredential({ credential: vc, selectivePointers: selectivePointersFor(q.fields), documentLoader }),
    );
  }
  const presentation = await signPresentation({
    verifiableCredential: derived,
    holderKey: holder,
    challenge: CHALLENGE,
    domain: DOMAIN,
    documentLoader,
    now: new Date('2026-06-01T08:00:00Z'),
  });
  return { presentation, documentLoader };
}

/** Renders a part as a PNG (as a phone screen would show it) and reads it back as a camera would. */
async function throughImage(part: Uint8Array): Promise<Uint8Array> {
  const png = await QRCode.toBuffer([{ data: part, mode: 'byte' }], { errorCorrectionLevel: 'M', margin: 4, scale: 2 });
  const image = PNG.sync.read(png);
  const read = readQrImage({ data: image.data, width: image.width, height: image.height });
  if (!read) throw new Error('jsqr found no QR code in the image');
  return read;
}

test('a two-field licence presentation: one QR (version ≤ 28 at M) survives PNG → jsqr and verifies', async (t) => {
  const { presentation, documentLoader } = await presentationOf('DrivingLicence', ['fullName', 'licenceClasses']);
  // By default parts stay within version 25; the licence (two classes: six ecdsa-sd signatures) needs 1.1 KB.
  const split = await encodePresentationQr({ presentation, documentLoader });
  for (const p of split) t.true(qrSymbolOf(p, { errorCorrectionLevel: 'M' }).version <= 25);
  const parts = await encodePresentationQr({ presentation, documentLoader, partCapacity: 1190 - 12 });
  t.is(parts.length, 1);
  const { version } = qrSymbolOf(parts[0]!, { errorCorrectionLevel: 'M' });
  t.true(version <= 28, `version ${version}`);
  t.deepEqual(await decodePresentationQr({ parts: split, documentLoader }), presentation);
  const scanned = await throughImage(parts[0]!);
  t.deepEqual(scanned, parts[0]);
  const decoded = await decodePresentationQr({ parts: [scanned], documentLoader });
  t.deepEqual(decoded, presentation);
  const proof = await verifyPresentationProof({
    presentation: decoded,
    challenge: CHALLENGE,
    domain: DOMAIN,
    documentLoader,
  });
  t.true(proof.verified, proof.error?.message);
  const [vc] = decoded.verifiableCredential as JsonObject[];
  t.true((await verifyCredentialProof({ credential: vc!, documentLoader })).verified);
});

test('a presentation too large for one QR goes as a sequence, read in any order, and verifies', async (t) => {
  const { presentation, documentLoader } = await presentationOf(
    'CitizenIdentityCard',
    ['fullName', 'faceImage'],
    [{ type: 'DrivingLicence', fields: ['fullName', 'licenceClasses'] }],
  );
  const parts = await encodePresentationQr({ presentation, documentLoader });
  t.true(parts.length > 1, `${parts.length} parts`);
  const scanned: Uint8Array[] = [];
  for (const p of parts) scanned.push(await throughImage(p));
  const decoded = await decodePresentationQr({ parts: scanned.reverse(), documentLoader });
  t.deepEqual(decoded, presentation);
  const proof = await verifyPresentationProof({
    presentation: decoded,
    challenge: CHALLENGE,
    domain: DOMAIN,
    documentLoader,
  });
  t.true(proof.verified, proof.error?.message);
});

test('duplicated, missing and mixed parts are refused with their codes before decoding', async (t) => {
  const a = await presentationOf('CitizenIdentityCard', ['fullName', 'faceImage']);
  const partsA = await encodePresentationQr({
    presentation: a.presentation,
    documentLoader: a.documentLoader,
    partCapacity: 400,
  });
  const b = await presentationOf('CitizenIdentityCard', ['fullName', 'faceImage']);
  const partsB = await encodePresentationQr({
    presentation: b.presentation,
    documentLoader: a.documentLoader,
    partCapacity: 400,
  });
  t.true(partsA.length >= 3);
  const decode = (parts: Uint8Array[]) => decodePresentationQr({ parts, documentLoader: a.documentLoader });
  t.is(codeOf(await t.throwsAsync(decode([...partsA, partsA[0]!]))), 'QR_PART_DUPLICATE');
  t.is(codeOf(await t.throwsAsync(decode(partsA.slice(1)))), 'QR_PART_MISSING');
  t.is(codeOf(await t.throwsAsync(decode([partsA[0]!, ...partsB.slice(1)]))), 'QR_PARTS_MIXED');
  // Same id and count, but a chunk swapped for another of the same index: the id no longer matches the whole.
  const forged = partsB[1]!.slice();
  forged.set(partsA[1]!.subarray(2, 12), 2);
  t.is(codeOf(await t.throwsAsync(decode([partsA[0]!, forged, ...partsA.slice(2)]))), 'QR_DIGEST_MISMATCH');
  // A part claiming an index beyond its count, and a part that is not ours.
  const outOfRange = partsA[0]!.slice();
  outOfRange[10] = outOfRange[11]!;
  t.is(codeOf(await t.throwsAsync(decode([outOfRange]))), 'QR_MALFORMED');
  t.is(
    codeOf(await t.throwsAsync(decode([new TextEncoder().encode('https://example.com/not-a-vneid-qr')]))),
    'QR_MALFORMED',
  );
  // A request QR is not a presentation.
  t.is(codeOf(await t.throwsAsync(decode(encodeRequestQr({ challenge: 'x' })))), 'QR_MALFORMED');
  // The complete set still decodes.
  t.deepEqual(await decode(partsA), a.presentation);
});

/** A well-framed part around any payload, as an attacker would build it. */
function framed(payload: Uint8Array, kind = 0x01): Uint8Array {
  const { sha256 } = require_sha256();
  const part = new Uint8Array(12 + payload.length);
  part[0] = 0x56;
  part[1] = kind;
  part.set(sha256(payload).subarray(0, 8), 2);
  part[10] = 0;
  part[11] = 1;
  part.set(payload, 12);
  return part;
}

import { createHash } from 'node:crypto';

function require_sha256() {
  return { sha256: (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest()) };
}

test('oversized, bomb, malformed CBOR and foreign-context payloads get clear codes', async (t) => {
  const { documentLoader } = await presentationOf('DrivingLicence', ['fullName']);
  const decode = (parts: Uint8Array[], limits = {}) => decodePresentationQr({ parts, documentLoader, limits });
  // 17 parts, and one part larger than any QR.
  const many = Array.from({ length: 17 }, () => framed(new Uint8Array(8)));
  t.is(codeOf(await t.throwsAsync(decode(many))), 'INPUT_LIMIT_EXCEEDED');
  t.is(codeOf(await t.throwsAsync(decode([framed(new Uint8Array(3000))]))), 'INPUT_LIMIT_EXCEEDED');
  // A deflate bomb: 2 KB that inflate to 10 MB stops at the cap.
  const bomb = deflateRawSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
  t.true(bomb.length < 20_000);
  const bombError = await t.throwsAsync(
    decode([framed(new Uint8Array(bomb.subarray(0, 2900)))], { maxCompressedBytes: 3000 }),
  );
  t.true(['INPUT_LIMIT_EXCEEDED'].includes(codeOf(bombError)!), codeOf(bombError));
  // Not deflate; deflate of not-CBOR; CBOR of not-CBOR-LD; CBOR-LD with an unknown context code.
  t.is(codeOf(await t.throwsAsync(decode([framed(new Uint8Array([0xff, 0xff, 0xff, 0xff]))]))), 'QR_MALFORMED');
  t.is(codeOf(await t.throwsAsync(decode([framed(deflateRawSync(Buffer.from('{"not":"cbor"}')))]))), 'QR_MALFORMED');
  const cborOfText = new Uint8Array([0x81, 0x63, 0x61, 0x62, 0x63]);
  t.is(codeOf(await t.throwsAsync(decode([framed(deflateRawSync(cborOfText))]))), 'QR_MALFORMED');
  // Deep nesting inside the outer array: refused, not a stack overflow.
  const deep = new Uint8Array([0x81, ...new Array(5000).fill(0x81), 0x00]);
  t.is(codeOf(await t.throwsAsync(decode([framed(deflateRawSync(deep))]))), 'QR_MALFORMED');
  // More credentials than allowed, claimed by the array head.
  const wide = new Uint8Array([0x8a, ...new Array(10).fill(0x40)]);
  t.is(codeOf(await t.throwsAsync(decode([framed(deflateRawSync(wide))]))), 'INPUT_LIMIT_EXCEEDED');
});

test('a request QR carries challenge, domain and fields; hostile request QRs are refused', async (t) => {
  const request = {
    query: [
      {
        type: 'QueryByExample',
        credentialQuery: {
          reason: 'Kiểm tra GPLX',
          example: { type: 'DrivingLicence', credentialSubject: { fullName: '', licenceClasses: '' } },
        },
      },
    ],
    challenge: CHALLENGE,
    domain: DOMAIN,
  };
  const parts = encodeRequestQr(request);
  t.is(parts.length, 1);
  t.true(qrSymbolOf(parts[0]!).version <= 10);
  t.deepEqual(decodeRequestQr([await throughImage(parts[0]!)]), request);
  const proto = new TextEncoder().encode('{"challenge":"x","__proto__":{"polluted":true}}');
  t.is(codeOf(t.throws(() => decodeRequestQr([framed(deflateRawSync(proto), 0x02)]))), 'UNSAFE_JSON');
  const dup = new TextEncoder().encode('{"challenge":"x","challenge":"y"}');
  t.is(codeOf(t.throws(() => decodeRequestQr([framed(deflateRawSync(dup), 0x02)]))), 'UNSAFE_JSON');
  const big = deflateRawSync(Buffer.from(JSON.stringify({ pad: 'x'.repeat(100_000) })));
  t.is(codeOf(t.throws(() => decodeRequestQr([framed(big, 0x02)]))), 'INPUT_LIMIT_EXCEEDED');
  t.is(codeOf(t.throws(() => decodeRequestQr([framed(deflateRawSync(Buffer.from('[1,2]')), 0x02)]))), 'QR_MALFORMED');
});

test('every registered type has its context and schema URL in the CBOR-LD table', (t) => {
  const table = cborldTableStrings();
  for (const { type } of listCredentialTypes()) {
    const { contextUrl, schemaUrl } = credentialTypeUrls(type);
    t.true(table.includes(contextUrl), contextUrl);
    t.true(table.includes(schemaUrl), schemaUrl);
  }
});
