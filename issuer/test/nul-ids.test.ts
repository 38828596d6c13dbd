import { randomBytes } from 'node:crypto';
import { fixtures } from '@vneid/schemas';
import { startTestPostgres, type TestPostgres } from '@vneid/test-support';
import test, { type ExecutionContext } from 'ava';
import { pino } from 'pino';
import { createIssuer, generateApiKey, hashApiKey, startServer } from '../src/index.js';
import { MINISTRIES, PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

// A NUL character in an id from a URL or a body: PostgreSQL cannot store one in text and
// refuses the query (22021), which used to surface as an unauthenticated 500. No id can
// hold one, so on both engines the answer is the one for an id never issued.
let server: TestPostgres | undefined;
test.before(async () => {
  server = await startTestPostgres();
});
test.after.always(async () => {
  await server?.close();
});

async function service(t: ExecutionContext, engine: 'leveldb' | 'postgres') {
  const dir = await tempDir('vneid-nul-');
  const databaseUrl = engine === 'postgres' ? await (server as TestPostgres).createDatabase() : undefined;
  const issuer = await createIssuer({
    ...(databaseUrl ? { databaseUrl } : { dataDir: dir }),
    passphrase: PASSPHRASE,
    baseUrl: 'http://127.0.0.1:8080',
  });
  await issuer.addMinistry(MINISTRIES.bca);
  const apiKey = generateApiKey();
  await issuer.addApiKey({ sha256: hashApiKey(apiKey), ministry: 'bo-cong-an' });
  const adminToken = randomBytes(32).toString('base64url');
  const started = await startServer({
    issuer,
    port: 0,
    adminTokenSha256: hashApiKey(adminToken),
    logger: pino({ level: 'silent' }),
  });
  t.teardown(async () => {
    await started.close();
    await issuer.close();
    await removeDir(dir);
  });
  const call = (path: string, bearer?: string, body?: unknown) =>
    fetch(`${started.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return { issuer, apiKey, adminToken, call };
}

async function expectProblem(t: ExecutionContext, response: Response, status: number, code: string, label: string) {
  const body = (await response.json()) as { code?: string };
  t.is(response.status, status, `${label}: ${JSON.stringify(body)}`);
  t.is(body.code, code, label);
}

for (const engine of ['leveldb', 'postgres'] as const) {
  test(`${engine}: an id with a NUL character is an unknown status list or credential (404 with its code), never a 500`, async (t) => {
    const s = await service(t, engine);
    const issued = await s.call('/credentials/issue', s.apiKey, {
      credential: { type: ['VerifiableCredential', 'DrivingLicence'], credentialSubject: fixtures.DrivingLicence },
      options: { suite: 'eddsa-rdfc-2022' },
    });
    t.is(issued.status, 201);
    const id = ((await issued.json()) as { verifiableCredential: { id: string } }).verifiableCredential.id;

    await expectProblem(t, await s.call('/status-lists/%00'), 404, 'UNKNOWN_STATUS_LIST', 'GET /status-lists/%00');
    await expectProblem(
      t,
      await s.call('/status-lists/bo-cong-an-revocation-1%00'),
      404,
      'UNKNOWN_STATUS_LIST',
      'a real list id with a NUL after it',
    );
    await expectProblem(
      t,
      await s.call('/credentials/status', s.apiKey, { credentialId: `${id}\u0000`, action: 'revoke' }),
      404,
      'UNKNOWN_CREDENTIAL',
      'POST /credentials/status',
    );
    await expectProblem(
      t,
      await s.call(`/admin/credentials/${encodeURIComponent(`${id}\u0000`)}`, s.adminToken),
      404,
      'UNKNOWN_CREDENTIAL',
      'GET /admin/credentials/:id',
    );
    await t.throwsAsync(s.issuer.revoke(`${id}\u0000`), { message: /no credential/ });

    // Negative twins: the same ids without the NUL are found, and the credential was not touched.
    t.is((await s.call('/status-lists/bo-cong-an-revocation-1')).status, 200);
    const record = await s.call(`/admin/credentials/${encodeURIComponent(id)}`, s.adminToken);
    t.is(record.status, 200);
    t.is(((await record.json()) as { state: string }).state, 'active');
    const revoked = await s.call('/credentials/status', s.apiKey, { credentialId: id, action: 'revoke' });
    t.is(revoked.status, 200);
    t.true((await s.issuer.verifyAuditLog()).valid);
  });
}
