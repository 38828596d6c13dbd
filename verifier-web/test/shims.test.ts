// The browser stand-ins for node:crypto and node:zlib give node's answers:
// checked against node itself, valid and invalid inputs alike.
import * as nodeCrypto from 'node:crypto';
import { gzipSync } from 'node:zlib';
import test from 'ava';
import { Buffer as ShimBuffer } from '../src/shims/buffer.js';
import * as shim from '../src/shims/node-crypto.js';
import { gunzipSync } from '../src/shims/node-zlib.js';

test('sha256 and HMAC-SHA256 digests equal node:crypto in every output encoding', (t) => {
  for (const input of ['', 'Nguyễn Thị Minh Khai', 'x'.repeat(10_000)]) {
    for (const enc of ['hex', 'base64', 'base64url'] as const) {
      t.is(
        shim.createHash('sha256').update(input, 'utf8').digest(enc),
        nodeCrypto.createHash('sha256').update(input, 'utf8').digest(enc),
      );
      t.is(
        shim.createHmac('sha256', 'k').update(input).digest(enc),
        nodeCrypto.createHmac('sha256', 'k').update(input).digest(enc),
      );
    }
  }
  t.throws(() => shim.createHash('md5'), { message: /not available/ });
});

test('Ed25519 verification agrees with node: a good signature passes, a flipped bit and a non-canonical S fail', (t) => {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('ed25519');
  const data = Buffer.from('trust bundle bytes');
  const sig = nodeCrypto.sign(null, data, privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const key = shim.createPublicKey({ key: spki, format: 'der', type: 'spki' });
  t.true(shim.verify(null, data, key, sig));
  const flipped = Buffer.from(sig);
  flipped[3]! ^= 1;
  t.is(shim.verify(null, data, key, flipped), nodeCrypto.verify(null, data, publicKey, flipped));
  t.false(shim.verify(null, data, key, flipped));
  // S + L (the group order) is the same signature in a non-canonical form: RFC 8032 and node refuse it.
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`) + L;
  const sBytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
  const malleated = Buffer.concat([sig.subarray(0, 32), sBytes]);
  t.is(shim.verify(null, data, key, malleated), nodeCrypto.verify(null, data, publicKey, malleated));
  t.false(shim.verify(null, data, key, malleated));
});

test('P-256 verification agrees with node: low-S and high-S forms pass, a wrong message fails', (t) => {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const key = shim.createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from('canonical statements');
  const sig = nodeCrypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  t.true(shim.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig));
  const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const other = Buffer.concat([sig.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
  const nodeSays = nodeCrypto.verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, other);
  t.true(nodeSays);
  t.is(shim.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, other), nodeSays);
  t.false(shim.verify('sha256', Buffer.from('other'), { key, dsaEncoding: 'ieee-p1363' }, sig));
  t.throws(() => shim.createPublicKey({ key: { ...jwk, y: jwk.x }, format: 'jwk' }));
  // ECDH.convertKey decompresses a point exactly as node does.
  const compressed = nodeCrypto.ECDH.convertKey(
    Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]),
    'prime256v1',
    undefined,
    undefined,
    'compressed',
  ) as Buffer;
  t.deepEqual(
    Buffer.from(shim.ECDH.convertKey(compressed, 'prime256v1', undefined, undefined, 'uncompressed')),
    nodeCrypto.ECDH.convertKey(compressed, 'prime256v1', undefined, undefined, 'uncompressed'),
  );
});

test('signing and key generation are not in the browser build', (t) => {
  t.throws(() => shim.sign(), { message: /not part of verification/ });
  t.throws(() => shim.createPrivateKey(), { message: /not part of verification/ });
});

test('gunzipSync inflates like node, stops a gzip bomb at the cap with ERR_BUFFER_TOO_LARGE, refuses garbage', (t) => {
  const bits = nodeCrypto.randomBytes(16_384);
  t.deepEqual(Buffer.from(gunzipSync(gzipSync(bits))), bits);
  const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
  t.true(bomb.length < 100_000);
  const error = t.throws(() => gunzipSync(bomb, { maxOutputLength: 1024 * 1024 }));
  t.is((error as { code?: string }).code, 'ERR_BUFFER_TOO_LARGE');
  t.throws(() => gunzipSync(Buffer.from('not gzip at all')));
  t.throws(() => gunzipSync(gzipSync(bits).subarray(0, 100)));
});

test('Buffer speaks base64url like node (with and without padding, both directions)', (t) => {
  for (const n of [0, 1, 2, 3, 31, 32, 33]) {
    const bytes = nodeCrypto.randomBytes(n);
    const text = bytes.toString('base64url');
    t.is(ShimBuffer.from(bytes).toString('base64url'), text);
    t.deepEqual(Buffer.from(ShimBuffer.from(text, 'base64url')), bytes);
  }
});
