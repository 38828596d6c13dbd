import { readFile } from 'node:fs/promises';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { pino } from 'pino';
import { createIssuer, generateApiKey, hashApiKey, startServer } from '../src/index.js';
import { holderDid, removeDir, tempDir } from './helpers/setup.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

test('the README example runs as written', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  // The import lines are the only thing removed: the names they import are passed in, from the package's own index.
  const body = block
    .replace(/^import \{ fixtures \} from '@vneid\/schemas';$/m, '')
    .replace(/^import \{ createIssuer, generateApiKey, hashApiKey, startServer \} from '@vneid\/issuer';$/m, '');
  t.not(body, block);
  t.notRegex(body, /^import /m);

  const dataDir = await tempDir();
  t.teardown(() => removeDir(dataDir));
  const holder = await holderDid();
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const run = new AsyncFunction(
    'createIssuer',
    'generateApiKey',
    'hashApiKey',
    'startServer',
    'fixtures',
    'dataDir',
    'holder',
    'logger',
    `${body}\nreturn { ministry, card, change, issued: issued.status, licence, refused: refused.status, problem };`,
  );
  const result = (await run(
    createIssuer,
    generateApiKey,
    hashApiKey,
    startServer,
    fixtures,
    dataDir,
    holder,
    logger,
  )) as {
    ministry: { did: string; credentialTypes: string[] };
    card: { id: string; credentialSubject: { id: string }; proof: { cryptosuite: string } };
    change: { credentialId: string; state: string; updatedLists: string[] };
    issued: number;
    licence: { verifiableCredential: { type: string[]; credentialSubject: { id: string } } };
    refused: number;
    problem: { type: string; status: number; code: string; violations: Array<{ pointer: string; code: string }> };
  };
  t.is(result.ministry.did, 'did:web:issuer.vneid.gov.vn:bo-cong-an');
  t.deepEqual(result.ministry.credentialTypes, ['CitizenIdentityCard', 'DrivingLicence', 'AgeAttestation']);
  t.is(result.card.credentialSubject.id, holder);
  t.is(result.card.proof.cryptosuite, 'ecdsa-sd-2023');
  t.is(result.change.credentialId, result.card.id);
  t.is(result.change.state, 'suspended');
  t.true(result.change.updatedLists.length > 0);
  t.is(result.issued, 201);
  t.deepEqual(result.licence.verifiableCredential.type, ['VerifiableCredential', 'DrivingLicence']);
  t.is(result.licence.verifiableCredential.credentialSubject.id, holder);
  t.is(result.refused, 422);
  t.is(result.problem.code, 'SCHEMA_VALIDATION_ERROR');
  t.is(result.problem.type, 'https://vneid.gov.vn/problems/schema-validation-error');
  t.deepEqual(
    result.problem.violations.map((v) => `${v.pointer} ${v.code}`),
    ['/dateOfBirth FORMAT'],
  );
  // The service logged both requests, with no personal data.
  t.is(logs.length, 2);
  t.false(logs.some((line) => line.includes('Nguyễn') || line.includes(holder)));
});
