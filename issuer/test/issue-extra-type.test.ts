import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { pino } from 'pino';
import { generateApiKey, hashApiKey, startServer } from '../src/index.js';
import { freshIssuer } from './helpers/setup.js';

// The library sets a document credential's types itself: an extra name in the request was dropped
// from the signed credential without a word, so the caller believed it had issued something else.
test('a document credential asked with a further type is refused (400 MALFORMED_VALUE_ERROR at /credential/type), not issued without it', async (t) => {
  const { issuer, cleanup } = await freshIssuer();
  const key = generateApiKey();
  const started = await startServer({
    issuer,
    port: 0,
    apiKeys: [{ ministry: 'bo-cong-an', sha256: hashApiKey(key) }],
    logger: pino({ level: 'silent' }),
  });
  t.teardown(async () => {
    await started.close();
    await cleanup();
  });
  const issue = (type: string[]) =>
    fetch(`${started.url}/credentials/issue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        credential: { type, credentialSubject: fixtures.DrivingLicence },
        options: { suite: 'eddsa-rdfc-2022' },
      }),
    });
  const refused = await issue(['VerifiableCredential', 'DrivingLicence', 'VeteranCard']);
  t.is(refused.status, 400);
  t.like(await refused.json(), { code: 'MALFORMED_VALUE_ERROR', pointer: '/credential/type' });
  t.is((await issuer.listRecords()).length, 0);

  const issued = await issue(['VerifiableCredential', 'DrivingLicence']);
  t.is(issued.status, 201);
  const vc = ((await issued.json()) as { verifiableCredential: { type: string[] } }).verifiableCredential;
  t.deepEqual(vc.type, ['VerifiableCredential', 'DrivingLicence']);
});
