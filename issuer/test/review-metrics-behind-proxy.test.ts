import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createApp } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

// The documented deployment: a TLS proxy on the host forwards to 127.0.0.1, VNEID_TRUST_PROXY=1.
// Without VNEID_METRICS_TOKEN, the loopback rule then lets every internet client scrape /metrics.
test('behind a proxy on the host (trustProxy: 1), an external client gets /metrics without a token', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  const app = createApp({ issuer, apiKeys: [], trustProxy: 1 });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await new Promise((resolve) => server.close(resolve));
    await cleanup();
  });
  const { port } = server.address() as AddressInfo;
  // What the proxy sends for a request from 203.0.113.9: the app itself computes req.ip = 203.0.113.9.
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  const body = await res.text();
  t.not(res.status, 200, `an external client (X-Forwarded-For 203.0.113.9) scraped metrics:\n${body.slice(0, 300)}`);
});
