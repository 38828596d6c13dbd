import test from 'ava';
import * as base58 from 'base58-universal';
import { decodeBase58, encodeBase58 } from '../src/index.js';

test('base58btc encoding equals base58-universal for 20,000 random inputs, leading zeros and all-zero inputs included', (t) => {
  for (let i = 0; i < 20_000; i++) {
    const bytes = crypto.getRandomValues(new Uint8Array(i % 90));
    for (let z = 0; z < i % 5 && z < bytes.length; z++) bytes[z] = 0;
    if (i % 13 === 0) bytes.fill(0);
    const encoded = encodeBase58(bytes);
    if (encoded !== base58.encode(bytes)) t.fail(`encoding differs for ${Buffer.from(bytes).toString('hex')}`);
    if (Buffer.compare(Buffer.from(decodeBase58(encoded)!), Buffer.from(bytes)) !== 0) t.fail('round trip differs');
  }
  t.pass();
});

test('decoding refuses characters outside the alphabet', (t) => {
  for (const text of ['0', 'O', 'I', 'l', 'z+', ' 1', 'é']) t.is(decodeBase58(text), undefined, text);
});
