// The page's one decode step: plain JSON, gzip bytes (byte-mode QR) and
// base45 text of gzip; sizes capped before decoding; the safe JSON parser.
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { decodePayload, MAX_PAYLOAD_BYTES } from '../src/app/decode-payload.js';

const VP = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiablePresentation'],
  holder: 'did:key:z6Mk',
};
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      const v = bytes[i]! * 256 + bytes[i + 1]!;
      out += B45[v % 45]! + B45[Math.floor(v / 45) % 45]! + B45[Math.floor(v / 2025)]!;
    } else out += B45[bytes[i]! % 45]! + B45[Math.floor(bytes[i]! / 45)]!;
  }
  return out;
}

test('a presentation comes back from JSON text, gzip bytes and base45 gzip text', (t) => {
  const json = JSON.stringify(VP);
  t.deepEqual(decodePayload(`  ${json}\n`), VP);
  t.deepEqual(decodePayload(gzipSync(json)), VP);
  t.deepEqual(decodePayload(base45(gzipSync(json))), VP);
  t.deepEqual(decodePayload(new TextEncoder().encode(json)), VP);
});

test('a gzip bomb is refused from its declared size before inflating (INPUT_LIMIT_EXCEEDED)', (t) => {
  const bomb = gzipSync(Buffer.alloc(MAX_PAYLOAD_BYTES * 40, 0x20));
  t.throws(() => decodePayload(bomb), { code: 'INPUT_LIMIT_EXCEEDED' });
  t.throws(() => decodePayload(base45(bomb)), { code: 'INPUT_LIMIT_EXCEEDED' });
});

test('a gzip stream that lies about its size is MALFORMED_VALUE_ERROR', (t) => {
  const gz = gzipSync(JSON.stringify(VP));
  gz[gz.length - 4] = 3; // the trailer's ISIZE, now too small
  t.throws(() => decodePayload(gz), { code: 'MALFORMED_VALUE_ERROR' });
});

test('prototype keys, duplicate keys, broken JSON and bad base45 are refused with their codes', (t) => {
  t.throws(() => decodePayload('{"__proto__": {"verified": true}}'), { code: 'UNSAFE_JSON' });
  t.throws(() => decodePayload('{"a": 1, "a": 2}'), { code: 'UNSAFE_JSON' });
  t.throws(() => decodePayload('{"a": '), { code: 'UNSAFE_JSON' });
  t.throws(() => decodePayload('ABC:DEF'), { code: 'MALFORMED_VALUE_ERROR' });
  t.throws(() => decodePayload('x'.repeat(MAX_PAYLOAD_BYTES + 1)), { code: 'INPUT_LIMIT_EXCEEDED' });
});

test('a part of the offline QR transport is not taken for a plain payload: it belongs to a QR sequence', (t) => {
  const part = new Uint8Array(40);
  part.set([0x56, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0, 2]);
  t.throws(() => decodePayload(part), { code: 'MALFORMED_VALUE_ERROR', message: /QR sequence/ });
});
