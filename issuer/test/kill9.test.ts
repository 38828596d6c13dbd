import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { createIssuer } from '../src/index.js';
import { PASSPHRASE, removeDir, tempDir } from './helpers/setup.js';

const script = fileURLToPath(new URL('./fixtures/issue-loop.ts', import.meta.url));

test('kill -9 mid-run loses no acknowledged credential and never reuses a status index', async (t) => {
  const dir = await tempDir();
  t.teardown(() => removeDir(dir));
  const child = spawn(process.execPath, ['--import=tsx', '--conditions=source', script, dir, PASSPHRASE], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const printed: Array<{
    id: string;
    revocation: { listId: string; index: number };
    suspension: { listId: string; index: number };
  }> = [];
  let buffer = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child produced too little output: ${stderr.slice(0, 500)}`)),
      60_000,
    );
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) printed.push(JSON.parse(line));
      if (printed.length >= 25) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (printed.length < 25) reject(new Error(`child exited early: ${stderr.slice(0, 500)}`));
    });
  });
  t.is(await exited, 'SIGKILL');
  // A line cut by the kill may have been half-written; every complete line counts.
  const issuer = await createIssuer({ dataDir: dir, passphrase: PASSPHRASE, baseUrl: 'http://127.0.0.1:8080' });
  t.teardown(() => issuer.close());
  for (const p of printed) {
    const record = await issuer.getRecord(p.id);
    t.deepEqual(record.status, { revocation: p.revocation, suspension: p.suspension }, p.id);
  }
  const records = await issuer.listRecords();
  t.true(records.length >= printed.length);
  const slots = records.flatMap((r) =>
    [r.status!.revocation, r.status!.suspension].map((s) => `${s.listId}#${s.index}`),
  );
  t.is(new Set(slots).size, slots.length, 'no status index appears twice');
  t.true((await issuer.verifyAuditLog()).valid, 'the audit chain survived the kill');
  // Issuance continues after the crash, still without reuse.
  const more = await issuer.issueBatch(
    Array.from({ length: 3 }, () => ({
      ministry: 'bo-cong-an',
      type: 'DrivingLicence',
      subject: structuredClone(fixtures.DrivingLicence) as never,
    })),
  );
  t.true(more.every((r) => r.ok));
  const all = (await issuer.listRecords()).flatMap((r) => [r.status!.revocation, r.status!.suspension]);
  t.is(new Set(all.map((s) => `${s.listId}#${s.index}`)).size, all.length);
});
