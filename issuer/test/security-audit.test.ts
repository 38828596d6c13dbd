import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { pino } from 'pino';
import { generateApiKey, hashApiKey, startServer } from '../src/index.js';
import type { AuditEntry } from '../src/lib/types.js';
import { openLevelDbStorage } from '../src/storage/leveldb/leveldb-storage.js';
import { freshIssuer, holderDid } from './helpers/setup.js';

test('cross-ministry attempts answer like unknown ids; refused requests reach the audit log, bounded', async (t) => {
  const { issuer, dir, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  const keys = { 'bo-cong-an': generateApiKey(), bhxh: generateApiKey(), dhqghn: generateApiKey() };
  let clock = Date.now();
  const server = await startServer({
    issuer,
    apiKeys: Object.entries(keys).map(([ministry, key]) => ({ ministry, sha256: hashApiKey(key) })),
    logger: pino({ level: 'silent' }),
    port: 0,
    rateLimit: { capacity: 2, refillPerSecond: 0.01 },
    securityAudit: { perMinute: 3, now: () => clock },
  });
  const post = (path: string, body: unknown, key?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
  const card = await issuer.issue({
    ministry: 'bo-cong-an',
    type: 'CitizenIdentityCard',
    subject: { ...fixtures.CitizenIdentityCard, id: await holderDid() } as Record<string, unknown>,
  });
  const unknownId = 'urn:uuid:00000000-0000-4000-8000-000000000000';
  const theirs = await post('/credentials/status', { credentialId: card.id, action: 'revoke' }, keys.bhxh);
  const unknown = await post('/credentials/status', { credentialId: unknownId, action: 'revoke' }, keys.bhxh);
  t.is(theirs.status, 404);
  t.is(unknown.status, 404);
  t.deepEqual(await theirs.json(), await unknown.json(), 'the same body: nothing tells another ministry the id exists');
  t.is((await issuer.getRecord(card.id as string)).state, 'active');
  // Issuing "as" another ministry through options is refused and recorded too.
  const smuggled = await post(
    '/credentials/issue',
    {
      credential: { type: ['VerifiableCredential', 'HealthInsuranceCard'], credentialSubject: {} },
      options: { ministry: 'bo-cong-an' },
    },
    keys.dhqghn,
  );
  t.is(smuggled.status, 403);

  // An unauthenticated flood: every request refused, at most 3 entries a minute written.
  const stolen = 'vneid_not-a-key-but-looks-like-one';
  for (let i = 0; i < 10; i++) t.is((await post('/credentials/issue', {}, stolen)).status, 401);
  clock += 60_000;
  t.is((await post('/credentials/issue', {})).status, 401);

  // Rate limit refusals (the dhqghn key has used 1 of its 2 tokens).
  t.is((await post('/credentials/status', { credentialId: unknownId, action: 'revoke' }, keys.dhqghn)).status, 404);
  t.is((await post('/credentials/status', { credentialId: unknownId, action: 'revoke' }, keys.dhqghn)).status, 429);

  t.true((await issuer.verifyAuditLog()).valid, 'security entries are links of the same keyed chain');
  await server.close();
  await issuer.close();
  const storage = await openLevelDbStorage(dir, { now: () => new Date() });
  const entries: AuditEntry[] = [];
  for await (const e of storage.auditEntries()) if (e.event.startsWith('security-')) entries.push(e);
  await storage.close();
  const of = (event: string) => entries.filter((e) => e.event === event);
  t.deepEqual(
    of('security-cross-ministry-refused').map((e) => [e.data.ministry, e.data.owner ?? null, e.data.action]),
    [
      ['bhxh', 'bo-cong-an', 'revoke'],
      ['dhqghn', null, 'issue'],
    ],
  );
  const auth = of('security-auth-failed');
  t.is(auth.length, 4, 'three in the first minute, then one carrying the count of the rest');
  t.deepEqual(
    auth.map((e) => e.data.suppressed ?? 0),
    [0, 0, 0, 7],
  );
  t.is(auth[0]!.data.keyId, hashApiKey(stolen).slice(0, 16));
  t.is(auth[3]!.data.keyId, null);
  t.is(auth[0]!.data.address, '127.0.0.1');
  t.false(JSON.stringify(entries).includes(stolen), 'never the presented key itself');
  t.deepEqual(
    of('security-rate-limited').map((e) => e.data.ministry),
    ['dhqghn'],
  );
});

test('a security audit bound must be a positive integer', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  t.teardown(cleanup);
  await t.throwsAsync(
    startServer({ issuer, apiKeys: [], port: 0, logger: pino({ level: 'silent' }), securityAudit: { perMinute: 0 } }),
    { instanceOf: RangeError },
  );
});
