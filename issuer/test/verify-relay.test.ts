// The web verifier's OpenID4VP relay over HTTP on 127.0.0.1 with a frozen
// clock: what it keeps, for how long, how much, and the code of each refusal.
// (The whole flow with a browser and a wallet is verifier-web/test/oid4vp.test.ts.)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { createApp, type VerifyRelayOptions } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJub25jZSI6IngifQ.c2lnbmF0dXJl';
const JWT_TYPE = 'application/oauth-authz-req+jwt';
const FORM = 'application/x-www-form-urlencoded';

async function relay(t: ExecutionContext, options: VerifyRelayOptions | false, trustProxy?: string) {
  const { issuer, cleanup } = await freshIssuer();
  const app = createApp({
    issuer,
    apiKeys: [],
    verifyRelay: options,
    logger: pino({ level: 'silent' }),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await cleanup();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify/oid4vp`;
  const call = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: the request object, or no body.
    }
    return { status: response.status, code: json.code, json, text };
  };
  const open = async (headers: Record<string, string> = {}) => {
    const opened = await call('POST', '/sessions', undefined, headers);
    const { id, readToken } = opened.json as { id: string; readToken: string };
    return { opened, id, auth: { authorization: `Bearer ${readToken}` } };
  };
  return { call, open };
}

test('a session: the request once, the answer once, read by the page once, then gone', async (t) => {
  const { call, open } = await relay(t, {});
  const { opened, id, auth } = await open();
  t.is(opened.status, 201);
  t.regex(id, /^[A-Za-z0-9_-]{32}$/);
  t.is((await call('GET', `/requests/${id}`)).code, 'AUTHORIZATION_REQUEST_UNKNOWN', 'no request deposited yet');
  t.is((await call('PUT', `/sessions/${id}/request`, JWT, { ...auth, 'content-type': JWT_TYPE })).status, 204);
  t.like(await call('PUT', `/sessions/${id}/request`, JWT, { ...auth, 'content-type': JWT_TYPE }), {
    status: 409,
    code: 'AUTHORIZATION_REQUEST_USED',
  });
  t.like(await call('GET', `/requests/${id}`), { status: 200, text: JWT });
  t.is((await call('GET', `/sessions/${id}/response`, undefined, auth)).status, 204, 'waiting');
  t.is((await call('POST', `/responses/${id}`, 'vp_token=%7B%7D&state=s', { 'content-type': FORM })).status, 200);
  t.like(await call('POST', `/responses/${id}`, 'vp_token=x&state=s', { 'content-type': FORM }), {
    status: 409,
    code: 'AUTHORIZATION_REQUEST_USED',
  });
  t.like(await call('GET', `/requests/${id}`), { status: 409, code: 'AUTHORIZATION_REQUEST_USED' });
  const read = await call('GET', `/sessions/${id}/response`, undefined, auth);
  t.deepEqual(read.json, { response: 'vp_token=%7B%7D&state=s' });
  t.like(await call('GET', `/sessions/${id}/response`, undefined, auth), {
    status: 404,
    code: 'AUTHORIZATION_REQUEST_UNKNOWN',
  });
});

test('refusals: wrong token, malformed request object, wrong media type, oversized bodies', async (t) => {
  const { call, open } = await relay(t, { maxRequestBytes: 1024, maxResponseBytes: 1024 });
  const { id, auth } = await open();
  const wrong = { authorization: `Bearer ${'x'.repeat(43)}` };
  t.like(await call('PUT', `/sessions/${id}/request`, JWT, { ...wrong, 'content-type': JWT_TYPE }), {
    status: 404,
    code: 'AUTHORIZATION_REQUEST_UNKNOWN',
  });
  t.like(await call('DELETE', `/sessions/${id}`), { status: 404, code: 'AUTHORIZATION_REQUEST_UNKNOWN' });
  t.like(await call('PUT', `/sessions/${id}/request`, '<html>', { ...auth, 'content-type': JWT_TYPE }), {
    status: 400,
    code: 'AUTHORIZATION_REQUEST_INVALID',
  });
  t.like(await call('PUT', `/sessions/${id}/request`, JWT, { ...auth, 'content-type': 'text/html' }), {
    status: 400,
    code: 'AUTHORIZATION_REQUEST_INVALID',
  });
  t.like(
    await call('PUT', `/sessions/${id}/request`, `${JWT}${'A'.repeat(2000)}`, { ...auth, 'content-type': JWT_TYPE }),
    {
      status: 413,
      code: 'INPUT_LIMIT_EXCEEDED',
    },
  );
  t.is((await call('PUT', `/sessions/${id}/request`, JWT, { ...auth, 'content-type': JWT_TYPE })).status, 204);
  t.like(await call('POST', `/responses/${id}`, `vp_token=${'a'.repeat(2000)}`, { 'content-type': FORM }), {
    status: 413,
    code: 'INPUT_LIMIT_EXCEEDED',
  });
  t.like(await call('POST', `/responses/${id}`, '{"vp_token":{}}', { 'content-type': 'application/json' }), {
    status: 400,
    code: 'AUTHORIZATION_RESPONSE_INVALID',
  });
  t.like(await call('POST', `/responses/${'.'.repeat(5000)}`, 'state=s', { 'content-type': FORM }), {
    status: 404,
    code: 'AUTHORIZATION_REQUEST_UNKNOWN',
  });
  // The page gives up: the session is forgotten at once.
  t.is((await call('DELETE', `/sessions/${id}`, undefined, auth)).status, 204);
  t.like(await call('GET', `/requests/${id}`), { status: 404, code: 'AUTHORIZATION_REQUEST_UNKNOWN' });
});

test('bounded: sessions and bytes held are capped (RATE_LIMITED), and expired sessions are dropped', async (t) => {
  let now = Date.UTC(2026, 11, 5, 12);
  const { call, open } = await relay(t, {
    now: () => now,
    ttlSeconds: 60,
    maxSessions: 2,
    maxResponseBytes: 1024,
    maxStoredBytes: 1500,
  });
  const a = await open();
  const b = await open();
  t.like((await open()).opened, { status: 429, code: 'RATE_LIMITED' });
  for (const s of [a, b]) {
    await call('PUT', `/sessions/${s.id}/request`, JWT, { ...s.auth, 'content-type': JWT_TYPE });
  }
  t.is((await call('POST', `/responses/${a.id}`, `state=${'a'.repeat(900)}`, { 'content-type': FORM })).status, 200);
  t.like(await call('POST', `/responses/${b.id}`, `state=${'b'.repeat(900)}`, { 'content-type': FORM }), {
    status: 429,
    code: 'RATE_LIMITED',
  });
  now += 61_000;
  t.like(await call('GET', `/requests/${b.id}`), { status: 404, code: 'AUTHORIZATION_REQUEST_UNKNOWN' });
  t.like(await call('GET', `/sessions/${a.id}/response`, undefined, a.auth), {
    status: 404,
    code: 'AUTHORIZATION_REQUEST_UNKNOWN',
  });
  // Expired sessions freed their slots and their bytes.
  const c = await open();
  t.is(c.opened.status, 201);
  await call('PUT', `/sessions/${c.id}/request`, JWT, { ...c.auth, 'content-type': JWT_TYPE });
  t.is((await call('POST', `/responses/${c.id}`, `state=${'c'.repeat(900)}`, { 'content-type': FORM })).status, 200);
});

test('one address cannot take every slot: its open sessions are capped (RATE_LIMITED), other addresses still open', async (t) => {
  // Behind a trusted proxy (loopback here) the client address is X-Forwarded-For's.
  const { open } = await relay(t, { maxSessions: 10, maxSessionsPerAddress: 2 }, 'loopback');
  const from = (address: string) => ({ 'x-forwarded-for': address });
  t.is((await open(from('203.0.113.7'))).opened.status, 201);
  t.is((await open(from('203.0.113.7'))).opened.status, 201);
  t.like((await open(from('203.0.113.7'))).opened, { status: 429, code: 'RATE_LIMITED' });
  t.is((await open(from('198.51.100.9'))).opened.status, 201, 'another address is not blocked');
});

test('a service that does not serve the page can leave the relay out', async (t) => {
  const { call } = await relay(t, false);
  t.like(await call('POST', '/sessions'), { status: 404, code: 'NOT_FOUND' });
});
