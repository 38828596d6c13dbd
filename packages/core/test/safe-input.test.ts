import test from 'ava';
import { assertSafeJson, assertSafePointers, findDuplicateKey, parseJsonSafely } from '../src/index.js';

const codeOf = (e: unknown) => (e as { code?: string }).code;

test('__proto__, constructor and prototype keys are refused anywhere', (t) => {
  for (const text of ['{"__proto__":{"x":1}}', '{"a":{"constructor":{}}}', '{"a":[{"prototype":1}]}']) {
    t.is(codeOf(t.throws(() => parseJsonSafely(text))), 'UNSAFE_JSON', text);
  }
  t.is(({} as Record<string, unknown>).x, undefined);
});

test('size, depth, array length, key count and string length are bounded', (t) => {
  t.is(codeOf(t.throws(() => parseJsonSafely(`"${'a'.repeat(300_000)}"`))), 'INPUT_LIMIT_EXCEEDED');
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) deep = { a: deep };
  t.is(codeOf(t.throws(() => assertSafeJson(deep))), 'INPUT_LIMIT_EXCEEDED');
  t.is(codeOf(t.throws(() => assertSafeJson({ a: new Array(20_000).fill(1) }))), 'INPUT_LIMIT_EXCEEDED');
  const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
  t.is(codeOf(t.throws(() => assertSafeJson(wide))), 'INPUT_LIMIT_EXCEEDED');
  t.is(codeOf(t.throws(() => assertSafeJson({ a: 'x'.repeat(70_000) }))), 'INPUT_LIMIT_EXCEEDED');
});

test('text that is not JSON is UNSAFE_JSON, not a crash', (t) => {
  t.is(codeOf(t.throws(() => parseJsonSafely('{"a":'))), 'UNSAFE_JSON');
});

test('ordinary credentials pass', (t) => {
  t.notThrows(() =>
    assertSafeJson({ '@context': ['x'], credentialSubject: { fullName: 'Nguyễn Văn An', n: 1.5, b: true, z: null } }),
  );
});

test('selective pointers reaching the prototype are refused with UNSAFE_POINTER', (t) => {
  for (const p of [
    '/__proto__/x',
    '/credentialSubject/constructor',
    '/a/prototype',
    '/a/__proto__',
    'noslash',
    '/a/~2',
  ]) {
    t.is(codeOf(t.throws(() => assertSafePointers([p]))), 'UNSAFE_POINTER', p);
  }
  t.notThrows(() => assertSafePointers(['/credentialSubject/fullName', '/credentialSubject/licenceClasses/0']));
  t.is(codeOf(t.throws(() => assertSafePointers(new Array(100).fill('/a')))), 'INPUT_LIMIT_EXCEEDED');
  t.throws(() => assertSafePointers('/a' as unknown as string[]), { instanceOf: TypeError });
});

test('duplicate keys are refused (JSON.parse would silently keep the last one)', (t) => {
  const error = t.throws(() => parseJsonSafely('{"fullName":"Nguyễn Văn An","a":{"x":1},"fullName":"Kẻ Giả Mạo"}'));
  t.is((error as { code?: string }).code, 'UNSAFE_JSON');
  t.is(codeOf(t.throws(() => parseJsonSafely('[{"a":1,"b":{"c":1,"c":2}}]'))), 'UNSAFE_JSON');
  // The same key in sibling objects, escaped quotes and keys as values are fine.
  t.deepEqual(parseJsonSafely('[{"a":1},{"a":2},{"k":"a\\\\\\"b","v":"k"}]'), [
    { a: 1 },
    { a: 2 },
    { k: 'a\\"b', v: 'k' },
  ]);
  t.is(findDuplicateKey('{"a\\u0062":1,"ab":2}'), 'ab');
});
