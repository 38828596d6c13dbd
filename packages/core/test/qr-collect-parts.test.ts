// The part collector a scanner feeds one QR at a time: progress, repeats of
// a camera, parts of another message, bad headers; the digest is checked at
// reassembly, where a corrupted chunk is caught.
import test from 'ava';
import { createQrPartCollector } from '../src/index.js';
import { frameParts, reassembleParts } from '../src/qr/frame.js';
import { DEFAULT_QR_LIMITS } from '../src/qr/limits.js';

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;
const message = (seed: number) => Uint8Array.from({ length: 100 }, (_, i) => (i * 7 + seed) & 0xff);

test('two parts in reverse order: part 1 of 2, then complete in index order', (t) => {
  const parts = frameParts('presentation', message(1), 50);
  t.is(parts.length, 2);
  const collector = createQrPartCollector({ kind: 'presentation' });
  const first = collector.add(parts[1]!);
  t.like(first, { received: 1, count: 2, complete: false, repeated: false });
  t.deepEqual(first.missing, [0]);
  const second = collector.add(parts[0]!);
  t.like(second, { received: 2, count: 2, complete: true });
  t.deepEqual(second.missing, []);
  t.deepEqual(reassembleParts('presentation', second.parts, DEFAULT_QR_LIMITS), message(1));
});

test('a camera repeat of the same part is ignored only when asked; by hand it is QR_PART_DUPLICATE', (t) => {
  const parts = frameParts('presentation', message(2), 50);
  const camera = createQrPartCollector({ kind: 'presentation', ignoreRepeats: true });
  camera.add(parts[0]!);
  t.like(camera.add(parts[0]!), { received: 1, repeated: true, complete: false });
  const byHand = createQrPartCollector({ kind: 'presentation' });
  byHand.add(parts[0]!);
  t.is(codeOf(t.throws(() => byHand.add(parts[0]!))), 'QR_PART_DUPLICATE');
  t.is(byHand.received, 1);
});

test('a part of another presentation is QR_PARTS_MIXED and leaves the held parts as they were', (t) => {
  const ours = frameParts('presentation', message(3), 50);
  const theirs = frameParts('presentation', message(4), 50);
  const collector = createQrPartCollector({ kind: 'presentation', ignoreRepeats: true });
  collector.add(ours[0]!);
  t.is(codeOf(t.throws(() => collector.add(theirs[1]!))), 'QR_PARTS_MIXED');
  t.is(collector.received, 1);
  t.true(collector.add(ours[1]!).complete);
  collector.reset();
  t.is(collector.received, 0);
  t.like(collector.add(theirs[1]!), { received: 1, count: 2 });
});

test('with the camera, a different part under a held index is still QR_PART_DUPLICATE', (t) => {
  const parts = frameParts('presentation', message(5), 50);
  const altered = parts[0]!.slice();
  altered[20] = altered[20]! ^ 0xff;
  const collector = createQrPartCollector({ kind: 'presentation', ignoreRepeats: true });
  collector.add(parts[0]!);
  t.is(codeOf(t.throws(() => collector.add(altered))), 'QR_PART_DUPLICATE');
});

test('a corrupted chunk passes the header checks and is QR_DIGEST_MISMATCH at reassembly', (t) => {
  const parts = frameParts('presentation', message(6), 50);
  const corrupted = parts[1]!.slice();
  corrupted[30] = corrupted[30]! ^ 0x01;
  const collector = createQrPartCollector({ kind: 'presentation' });
  collector.add(parts[0]!);
  const done = collector.add(corrupted);
  t.true(done.complete);
  t.is(codeOf(t.throws(() => reassembleParts('presentation', done.parts, DEFAULT_QR_LIMITS))), 'QR_DIGEST_MISMATCH');
});

test('bad headers are refused as they are scanned', (t) => {
  const collector = createQrPartCollector({ kind: 'presentation', limits: { maxParts: 2 } });
  const [part] = frameParts('presentation', message(7), 50);
  const request = frameParts('request', message(7), 50)[0]!;
  t.is(codeOf(t.throws(() => collector.add(request))), 'QR_MALFORMED');
  t.is(codeOf(t.throws(() => collector.add(new TextEncoder().encode('{"a":1}')))), 'QR_MALFORMED');
  const outOfRange = part!.slice();
  outOfRange[10] = 2;
  t.is(codeOf(t.throws(() => collector.add(outOfRange))), 'QR_MALFORMED');
  t.is(codeOf(t.throws(() => collector.add(frameParts('presentation', message(8), 30)[0]!))), 'INPUT_LIMIT_EXCEEDED');
  t.is(codeOf(t.throws(() => collector.add(new Uint8Array(3000)))), 'INPUT_LIMIT_EXCEEDED');
  t.is(collector.received, 0);
});
