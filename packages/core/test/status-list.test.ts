import { gzipSync } from 'node:zlib';
import test from 'ava';
import {
  createStatusList,
  decodeStatusList,
  encodeStatusList,
  MAX_STATUS_LIST_BYTES,
  MIN_STATUS_LIST_LENGTH,
  parseStatusListIndex,
} from '../src/index.js';
import { readVector } from './helpers/vectors.js';

const codeOf = (e: unknown) => (e as { code?: string }).code;

test('set, encode, decode and read back a bit', async (t) => {
  const list = createStatusList();
  t.is(list.length, MIN_STATUS_LIST_LENGTH);
  list.setStatus(94567, true);
  const decoded = decodeStatusList(await encodeStatusList(list));
  t.is(decoded.length, MIN_STATUS_LIST_LENGTH);
  t.true(decoded.getStatus(94567));
  t.false(decoded.getStatus(94566));
});

test('a list shorter than 131,072 entries is refused on creation and on decoding', (t) => {
  t.is(codeOf(t.throws(() => createStatusList(8 * 1024))), 'STATUS_LIST_LENGTH_ERROR');
  const short = `u${gzipSync(Buffer.alloc(1024)).toString('base64url')}`;
  t.is(codeOf(t.throws(() => decodeStatusList(short))), 'STATUS_LIST_LENGTH_ERROR');
});

test('a gzip bomb stops at the inflate cap with STATUS_LIST_LENGTH_ERROR', (t) => {
  const bomb = `u${gzipSync(Buffer.alloc(MAX_STATUS_LIST_BYTES * 4)).toString('base64url')}`;
  t.true(bomb.length < 20_000, 'the bomb is small on the wire');
  t.is(codeOf(t.throws(() => decodeStatusList(bomb))), 'STATUS_LIST_LENGTH_ERROR');
});

test('an encodedList that is not multibase base64url gzip is MALFORMED_VALUE_ERROR', (t) => {
  for (const bad of ['', 'zabc', 'u!!!', 'uAAAA', 42, null]) {
    t.is(codeOf(t.throws(() => decodeStatusList(bad))), 'MALFORMED_VALUE_ERROR', String(bad));
  }
});

test('statusListIndex must be a canonical decimal integer inside the list', (t) => {
  t.is(parseStatusListIndex('94567', MIN_STATUS_LIST_LENGTH), 94567);
  t.is(parseStatusListIndex('0', MIN_STATUS_LIST_LENGTH), 0);
  for (const bad of ['94567abc', ' 94567', '94567 ', '94567.9', '-1', '+5', '007', '1e3', '', '131072', 94567]) {
    t.is(
      codeOf(t.throws(() => parseStatusListIndex(bad, MIN_STATUS_LIST_LENGTH))),
      'MALFORMED_VALUE_ERROR',
      String(bad),
    );
  }
});

test('the W3C status list context is bundled as published', (t) => {
  const published = JSON.parse(readVector('vc-bitstring-status-list/contexts/v1.jsonld'));
  t.truthy(published['@context']);
});
