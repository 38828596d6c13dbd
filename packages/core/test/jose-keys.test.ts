import { createPublicKey, sign, verify } from 'node:crypto';
import test from 'ava';
import { didKeyToPublicJwk, generateKeyPair, importKeyPair, jwsAlgorithmOf, privateKeyObjectOf } from '../src/index.js';

for (const keyType of ['Ed25519', 'P-256'] as const) {
  test(`a ${keyType} did:key gives the JWK its own secret key verifies against`, async (t) => {
    const pair = await generateKeyPair({ keyType });
    const jwk = didKeyToPublicJwk(pair.id);
    t.deepEqual(didKeyToPublicJwk(pair.controller), jwk);
    t.is(jwk.crv, keyType);
    t.is(jwsAlgorithmOf(keyType), keyType === 'Ed25519' ? 'EdDSA' : 'ES256');
    const data = Buffer.from('proof of possession');
    const hash = keyType === 'Ed25519' ? null : 'sha256';
    const signature = sign(hash, data, privateKeyObjectOf(pair));
    const publicKey = createPublicKey({ key: jwk as never, format: 'jwk' });
    t.true(verify(hash, data, publicKey, signature));
    t.false(verify(hash, Buffer.from('another message'), publicKey, signature));
  });
}

test('a DID URL naming another key, a non-did:key and a key without its secret are INVALID_KEY', async (t) => {
  const pair = await generateKeyPair({ keyType: 'Ed25519' });
  const other = await generateKeyPair({ keyType: 'Ed25519' });
  t.throws(() => didKeyToPublicJwk(`${pair.controller}#${other.publicKeyMultibase}`), { code: 'INVALID_KEY' } as never);
  t.throws(() => didKeyToPublicJwk('did:web:gov.example'), { code: 'INVALID_KEY' } as never);
  t.throws(() => didKeyToPublicJwk('did:key:zNotAKey'), { code: 'INVALID_KEY' } as never);
  const publicOnly = await importKeyPair(pair.export());
  t.throws(() => privateKeyObjectOf(publicOnly), { code: 'INVALID_KEY' } as never);
});
