// The page's IndexedDB store in a real browser (Debian's chromium through
// playwright-core), on a page of its own served from 127.0.0.1. Two tabs of
// the web verifier share one database: a tab whose sync is slow must not
// store an older status list over the newer one another tab stored.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createStatusList, encodeStatusList } from '@vneid/core';
import type { CachedStatusList, StatusCachePutOptions } from '@vneid/verifier/browser';
import test from 'ava';
import * as esbuild from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const URL_1 = 'https://bocongan.gov.vn/status-lists/bo-cong-an-revocation-1';

let browser: Browser;
let server: Server;
let origin: string;

/** The store module alone, exposed on the page (its one runtime import, the replacement rule, is pure). */
async function storeBundle(): Promise<string> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = await esbuild.build({
    stdin: {
      contents: "import { openPageStore } from './src/app/idb-store.ts'; globalThis.openPageStore = openPageStore;",
      resolveDir: root,
      loader: 'ts',
    },
    alias: {
      '@vneid/verifier/browser': fileURLToPath(
        new URL('../../verifier/src/may-replace-cached-list.ts', import.meta.url),
      ),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

test.before(async () => {
  const script = await storeBundle();
  server = createServer((req, res) => {
    if (req.url === '/store.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><script type="module" src="/store.js"></script>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

test.after.always(async () => {
  await browser?.close();
  server?.close();
});

/** A tab of the page's origin with the store module loaded. */
async function tab(context: Awaited<ReturnType<Browser['newContext']>>): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'openPageStore' in globalThis);
  return page;
}

type Put = [entry: CachedStatusList, options?: StatusCachePutOptions];

/** Puts `puts` (all started at once) through the store of `page`; their answers, then the lists held. */
async function putAll(page: Page, puts: Put[]): Promise<{ stored: boolean[]; held: CachedStatusList[] }> {
  return page.evaluate(async (batch) => {
    type Store = {
      putList(e: unknown, o?: unknown): Promise<boolean>;
      allLists(): Promise<CachedStatusList[]>;
    };
    const store = await (globalThis as unknown as { openPageStore(): Promise<Store> }).openPageStore();
    const stored = await Promise.all(batch.map(([e, o]) => store.putList(e, o)));
    return { stored, held: await store.allLists() };
  }, puts);
}

async function entry(validFrom: string, revoked: number[] = [], url = URL_1): Promise<CachedStatusList> {
  const list = createStatusList();
  for (const i of revoked) list.setStatus(i, true);
  return {
    url,
    issuer: 'did:web:bocongan.gov.vn',
    statusPurpose: 'revocation',
    validFrom,
    validUntil: '2026-06-30T00:00:00Z',
    encodedList: await encodeStatusList(list),
    verificationMethod: 'did:web:bocongan.gov.vn#key-1',
    publicKeyMultibase: 'zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP',
    proofCreated: validFrom,
    fetchedAt: '2026-06-01T08:00:00Z',
    credential: { id: url },
  };
}

const validFrom = (held: CachedStatusList[], url = URL_1) => held.find((l) => l.url === url)?.validFrom;

test('two tabs: the tab whose sync stored the newer list keeps it; the slower tab’s older list is refused', async (t) => {
  const context = await browser.newContext();
  t.teardown(() => context.close());
  const [fast, slow] = [await tab(context), await tab(context)];
  const v1 = await entry('2026-05-30T00:00:00Z');
  const v2 = await entry('2026-05-30T06:00:00Z');
  const v3 = await entry('2026-05-30T12:00:00Z', [42]);
  t.deepEqual((await putAll(slow, [[v1]])).stored, [true]);
  // Both tabs read v1; the fast one stores v3, then the slow one arrives with v2.
  t.deepEqual((await putAll(fast, [[v3]])).stored, [true]);
  const late = await putAll(slow, [[v2]]);
  t.deepEqual(late.stored, [false]);
  t.is(validFrom(late.held), v3.validFrom);
  t.is(late.held.find((l) => l.url === URL_1)?.encodedList, v3.encodedList);
  // Its twin: a genuinely newer list from the slow tab is stored.
  const v4 = await entry('2026-05-30T18:00:00Z', [42, 43]);
  const newer = await putAll(slow, [[v4]]);
  t.deepEqual(newer.stored, [true]);
  t.is(validFrom((await putAll(fast, [])).held), v4.validFrom);
});

test('puts started together in one tab: the newer list is held whichever comes first; the same list again (new entity tag) is stored', async (t) => {
  const context = await browser.newContext();
  t.teardown(() => context.close());
  const page = await tab(context);
  const older = await entry('2026-05-30T06:00:00Z');
  const newer = await entry('2026-05-30T12:00:00Z', [7]);
  const newerFirst = await putAll(page, [[newer], [older]]);
  t.deepEqual(newerFirst.stored, [true, false]);
  t.is(validFrom(newerFirst.held), newer.validFrom);
  const url2 = `${URL_1}-b`;
  const olderFirst = await putAll(page, [[{ ...older, url: url2 }], [{ ...newer, url: url2 }]]);
  t.deepEqual(olderFirst.stored, [true, true]);
  t.is(validFrom(olderFirst.held, url2), newer.validFrom);
  const again = await putAll(page, [[{ ...newer, etag: '"b"' }]]);
  t.deepEqual(again.stored, [true]);
  t.is(again.held.find((l) => l.url === URL_1)?.etag, '"b"');
  // Same date, other bits: not the same list, refused.
  t.deepEqual((await putAll(page, [[{ ...older, validFrom: newer.validFrom }]])).stored, [false]);
});

test('an entry the sync found tampered (claiming a later date) is replaced when named, and only while it is still held', async (t) => {
  const context = await browser.newContext();
  t.teardown(() => context.close());
  const page = await tab(context);
  const tampered = await entry('2026-05-31T23:00:00Z');
  const genuine = await entry('2026-05-30T12:00:00Z', [42]);
  t.deepEqual((await putAll(page, [[tampered]])).stored, [true]);
  t.deepEqual((await putAll(page, [[genuine]])).stored, [false]);
  const replaced = await putAll(page, [[genuine, { replacing: tampered }]]);
  t.deepEqual(replaced.stored, [true]);
  t.is(validFrom(replaced.held), genuine.validFrom);
  const older = await entry('2026-05-30T06:00:00Z');
  t.deepEqual((await putAll(page, [[older, { replacing: tampered }]])).stored, [false]);
  t.is(validFrom((await putAll(page, [])).held), genuine.validFrom);
});
