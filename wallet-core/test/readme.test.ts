import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { openWallet } from '../src/index.js';
import { createTestIssuer } from './helpers/issue.js';
import { tempDir } from './helpers/wallet.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

test('the README example runs as written', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  // The import line is the only thing removed: `openWallet` is passed in from the package's own index.
  // `as const` is the block's only TypeScript (examples/test/consumer-types.test.ts type-checks it); it runs as JavaScript here.
  const body = block
    .replace(/^import \{ openWallet \} from '@vneid\/wallet-core';$/m, '')
    .replace(/ as const,$/gm, ',');
  t.not(body, block);

  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const path = join(await tempDir(t), 'wallet');
  const run = new AsyncFunction(
    'openWallet',
    'path',
    'resolver',
    'receiveCredential',
    'fetchStatusList',
    `${body}\nreturn { presentation, log, status, backup };`,
  );
  // The example runs on the system clock: lists published a day ago are current.
  const validFrom = new Date(Date.now() - 86_400_000);
  const result = (await run(
    openWallet,
    path,
    issuer.resolver,
    (holder: string) => issuer.issue({ type: 'CitizenIdentityCard', holder }),
    (url: string) =>
      issuer.statusListCredential(url.endsWith('/revocation') ? 'revocation' : 'suspension', { validFrom }),
  )) as {
    presentation: { type: string[] };
    log: Array<{ credentials: Array<{ fields: string[] }> }>;
    status: { errors: unknown[]; credentials: Array<{ status: string }> };
    backup: string;
  };
  t.deepEqual(result.presentation.type, ['VerifiablePresentation']);
  t.deepEqual(result.log[0]?.credentials[0]?.fields, ['fullName', 'dateOfBirth']);
  t.deepEqual(result.status.errors, []);
  t.is(result.status.credentials[0]?.status, 'active');
  t.regex(result.backup, /^[A-Za-z0-9+/]+=*$/);
});
