// The issuer serves the web verifier's built folder under /verify/ (the
// issuer does not import the verifier: it serves files), and nothing else.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { pino } from 'pino';
import { startServer } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

test('the page folder is served under /verify/, paths outside it and a missing folder are NOT_FOUND', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-verify-page-'));
  const page = join(dir, 'page');
  await mkdir(page);
  await writeFile(join(page, 'index.html'), '<!doctype html><title>verifier</title>');
  await writeFile(join(page, 'app.js'), 'export {};');
  await writeFile(join(dir, 'secret.txt'), 'outside the page');
  const { issuer, cleanup } = await freshIssuer();
  const logger = pino({ level: 'silent' });
  const served = await startServer({ issuer, apiKeys: [], logger, port: 0, verifyPageDir: page });
  const missing = await startServer({ issuer, apiKeys: [], logger, port: 0, verifyPageDir: join(dir, 'none') });
  try {
    const index = await fetch(`${served.url}/verify/`);
    t.is(index.status, 200);
    t.regex(index.headers.get('content-type') ?? '', /^text\/html/);
    t.regex(await index.text(), /verifier/);
    const script = await fetch(`${served.url}/verify/app.js`);
    t.regex(script.headers.get('content-type') ?? '', /javascript/);
    const redirect = await fetch(`${served.url}/verify`, { redirect: 'manual' });
    t.is(redirect.status, 301);
    t.is(redirect.headers.get('location'), '/verify/');
    for (const path of ['/verify/../secret.txt', '/verify/%2e%2e/secret.txt', '/verify/nothing.js']) {
      const res = await fetch(`${served.url}${path}`);
      t.is(res.status, 404, path);
      t.false((await res.text()).includes('outside the page'));
    }
    const none = await fetch(`${missing.url}/verify/`);
    t.is(none.status, 404);
    t.is(((await none.json()) as { code: string }).code, 'NOT_FOUND');
  } finally {
    await served.close();
    await missing.close();
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  }
});
