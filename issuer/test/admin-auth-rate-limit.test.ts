import { randomBytes } from 'node:crypto';
import test from 'ava';
import { pino } from 'pino';
import { hashApiKey, startServer } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

// The operator picks the admin token: whatever its strength, wrong guesses from one address are bounded.
test('after 30 wrong admin tokens in a minute from one address even the right token is refused (429 RATE_LIMITED, Retry-After) until the next minute', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  let clock = Date.parse('2026-12-05T12:00:10Z');
  const token = randomBytes(32).toString('base64url');
  const started = await startServer({
    issuer,
    port: 0,
    adminTokenSha256: hashApiKey(token),
    now: () => new Date(clock),
    logger: pino({ level: 'silent' }),
  });
  t.teardown(async () => {
    await started.close();
    await cleanup();
  });
  const list = (bearer: string) =>
    fetch(`${started.url}/admin/api-keys`, { headers: { authorization: `Bearer ${bearer}` } });

  t.is((await list(token)).status, 200, 'the right token works before any failure');
  for (let i = 0; i < 30; i++) t.is((await list(`guess-${i}`)).status, 401);
  const limited = await list(token);
  t.is(limited.status, 429);
  t.is(((await limited.json()) as { code: string }).code, 'RATE_LIMITED');
  t.is(limited.headers.get('retry-after'), '50');
  t.is((await list('guess-x')).status, 429, 'guesses are not even compared');

  clock += 60_000;
  t.is((await list(token)).status, 200, 'the next minute the right token works again');
});
