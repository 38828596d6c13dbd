// The documented deployment: a TLS proxy on the host forwards to 127.0.0.1, VNEID_TRUST_PROXY=1.
// Without VNEID_METRICS_TOKEN, /metrics is for loopback clients: the forwarded client decides
// (req.ip), not the proxy's loopback socket. A bad VNEID_TRUST_PROXY stops the start, naming it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { loadConfig } from '../src/config/load-config.js';
import { ConfigError } from '../src/config/settings.js';
import { createApp } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

test('behind a proxy on the host (trustProxy: 1), an external client is refused /metrics; a loopback client gets it', async (t) => {
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
  t.is(res.status, 403, `an external client (X-Forwarded-For 203.0.113.9) scraped metrics:\n${body.slice(0, 300)}`);
  t.regex(body, /FORBIDDEN/);
  // Twins: a sidecar on the host (no proxy hop) and a scraper whose forwarded address is loopback.
  const sidecar = await fetch(`http://127.0.0.1:${port}/metrics`);
  t.is(sidecar.status, 200);
  t.regex(await sidecar.text(), /vneid_/);
  const local = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
  t.is(local.status, 200);
  await local.text();
});

test('VNEID_TRUST_PROXY: a hop count, true/false or addresses are accepted; anything else is a ConfigError naming it', (t) => {
  t.is(loadConfig({ VNEID_TRUST_PROXY: '1' }).VNEID_TRUST_PROXY, 1);
  t.is(loadConfig({ VNEID_TRUST_PROXY: 'true' }).VNEID_TRUST_PROXY, true);
  t.is(loadConfig({ VNEID_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).VNEID_TRUST_PROXY, 'loopback, 10.0.0.0/8');
  t.is(loadConfig({}).VNEID_TRUST_PROXY, undefined);
  for (const bad of ['yes', '10.0.0.0/33', 'proxy.example', '1.2.3', '-1']) {
    const error = t.throws(() => loadConfig({ VNEID_TRUST_PROXY: bad }), { instanceOf: ConfigError }, bad);
    t.is(error?.setting, 'VNEID_TRUST_PROXY');
    t.regex(error?.message ?? '', /^VNEID_TRUST_PROXY: /);
  }
});
