import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import { join } from 'node:path';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { Level } from 'level';
import { openWallet } from '../src/index.js';
import { createTestIssuer } from './helpers/issue.js';
import { NOW, newWallet, PASSPHRASE, presentWithConsent, readAllFiles, requestFor, tempDir } from './helpers/wallet.js';

test.after.always('no test reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});

/** Every fixture value worth finding: strings and numbers of at least 6 characters, at any depth. */
function fixtureValues(): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string' || typeof v === 'number') {
      // Shorter values ('4', 'A1', 'B') occur by chance in any ciphertext; every
      // name, number and date of a citizen is longer than this.
      if (String(v).length >= 6) out.add(String(v));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(fixtures);
  return [...out];
}

/** The encodings a value could be stored in: UTF-8 (NFC and NFD), UTF-16LE, JSON \u escapes. */
function encodingsOf(value: string): Buffer[] {
  const jsonEscaped = value.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [
    Buffer.from(value.normalize('NFC'), 'utf8'),
    Buffer.from(value.normalize('NFD'), 'utf8'),
    Buffer.from(value, 'utf16le'),
    Buffer.from(jsonEscaped, 'utf8'),
  ];
}

function leaks(files: Array<{ name: string; bytes: Buffer }>, values: string[]): string[] {
  const found: string[] = [];
  for (const value of values) {
    for (const encoded of encodingsOf(value)) {
      for (const f of files) if (f.bytes.includes(encoded)) found.push(`${value} in ${f.name}`);
    }
  }
  return found;
}

test('after adding the four fixtures, no name, number or date is readable in the LevelDB folder', async (t) => {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const dir = await tempDir(t);
  const path = join(dir, 'wallet');
  const wallet = await openWallet({ path, passphrase: PASSPHRASE, now: () => NOW, resolver: issuer.resolver });
  const ids: string[] = [];
  for (const type of ['CitizenIdentityCard', 'DrivingLicence', 'UniversityDegree', 'HealthInsuranceCard'] as const) {
    const vc = await issuer.issue({ type, holder: wallet.holderDid });
    ids.push(vc.id as string);
    t.true((await wallet.add(vc)).added);
  }
  await presentWithConsent(wallet, requestFor('CitizenIdentityCard', ['fullName', 'dateOfBirth']));
  await wallet.close();

  const values = fixtureValues();
  t.true(values.includes('Nguyễn Thị Minh Khai'));
  t.true(values.includes('001178012345'));
  t.true(values.includes('1978-05-19'));
  // Besides the claims: the credential ids, types, issuer and holder are not readable either.
  const metadata = [...ids, 'CitizenIdentityCard', 'HealthInsuranceCard', 'did:web:bocongan.gov.vn', wallet.holderDid];
  const files = await readAllFiles(path);
  t.true(files.length > 0);
  t.deepEqual(leaks(files, [...values, ...metadata]), []);

  // Control: the same search finds the values when a credential is stored without the wallet.
  const control = join(dir, 'control');
  const plain = new Level<string, unknown>(control, { valueEncoding: 'json' });
  await plain.put('vc', await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid }), { sync: true });
  await plain.close();
  const controlLeaks = leaks(await readAllFiles(control), ['Nguyễn Thị Minh Khai', '001178012345', '1978-05-19']);
  t.true(controlLeaks.length >= 3);
});

test('a wrong passphrase is WALLET_LOCKED, writes nothing, and the right one still opens the data', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet, path } = await newWallet(t);
  const vc = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  await wallet.add(vc);
  const holderDid = wallet.holderDid;
  await wallet.close();

  const snapshot = async () => {
    const db = new Level<string, unknown>(path, { valueEncoding: 'json' });
    const entries = await db.iterator().all();
    await db.close();
    return JSON.stringify(entries);
  };
  const before = await snapshot();
  const error = await t.throwsAsync(openWallet({ path, passphrase: 'mật khẩu sai', now: () => NOW }));
  t.is((error as { code?: string }).code, 'WALLET_LOCKED');
  t.is(await snapshot(), before);

  // The passphrase in another Unicode form (NFD, as some keyboards send it) is the same passphrase.
  const again = await openWallet({ path, passphrase: PASSPHRASE.normalize('NFD'), now: () => NOW });
  t.is(again.holderDid, holderDid);
  t.deepEqual(await again.get(vc.id as string), vc);
  const [summary] = await again.list();
  t.is(summary?.labels.type.vi, 'Thẻ căn cước');
  t.is(summary?.labels.fields.fullName?.vi, 'Họ, chữ đệm và tên');
  t.false('Nguyễn Thị Minh Khai' in (summary ?? {}));
  await again.close();
});

test('changing the passphrase: the old one is WALLET_LOCKED afterwards, the new one opens everything', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet, path } = await newWallet(t);
  const vc = await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid });
  await wallet.add(vc);
  await presentWithConsent(wallet, requestFor('DrivingLicence', ['licenceClasses']));
  const wrong = await t.throwsAsync(wallet.changePassphrase('không phải mật khẩu', 'mới'));
  t.is((wrong as { code?: string }).code, 'WALLET_LOCKED');

  await wallet.changePassphrase(PASSPHRASE, 'Cụm mật khẩu mới rất dài');
  // Still usable in the same session with the new keys.
  t.deepEqual(await wallet.get(vc.id as string), vc);
  await wallet.close();

  const old = await t.throwsAsync(openWallet({ path, passphrase: PASSPHRASE }));
  t.is((old as { code?: string }).code, 'WALLET_LOCKED');
  const reopened = await openWallet({ path, passphrase: 'Cụm mật khẩu mới rất dài', now: () => NOW });
  t.deepEqual(await reopened.get(vc.id as string), vc);
  t.is((await reopened.history()).length, 1);
  t.is((await reopened.list()).length, 1);
  await reopened.close();
});

test('a closed wallet refuses operations with WALLET_LOCKED', async (t) => {
  const { wallet } = await newWallet(t);
  await wallet.close();
  const error = await t.throwsAsync(wallet.list());
  t.is((error as { code?: string }).code, 'WALLET_LOCKED');
});

test('a record altered on disk is WALLET_CORRUPTED, not silently accepted', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet, path } = await newWallet(t);
  await wallet.add(await issuer.issue({ type: 'HealthInsuranceCard', holder: wallet.holderDid }));
  await wallet.close();
  const db = new Level<string, { n: string; c: string }>(path, { valueEncoding: 'json' });
  const [key, value] = (await db.iterator({ gt: 's:', lt: 's;' }).all())[0]!;
  const body = Buffer.from(value.c, 'base64url');
  body[0] = (body[0] ?? 0) ^ 1;
  await db.put(key, { ...value, c: body.toString('base64url') });
  await db.close();
  const reopened = await openWallet({ path, passphrase: PASSPHRASE, now: () => NOW });
  t.teardown(() => reopened.close());
  const error = await t.throwsAsync(reopened.list());
  t.is((error as { code?: string }).code, 'WALLET_CORRUPTED');
});

test('the holder key is an Ed25519 did:key by default and P-256 on request; an empty passphrase is a TypeError', async (t) => {
  const { wallet } = await newWallet(t);
  t.regex(wallet.holderDid, /^did:key:z6Mk/);
  const { wallet: p256 } = await newWallet(t, { keyType: 'P-256' });
  t.regex(p256.holderDid, /^did:key:zDn/);
  await t.throwsAsync(openWallet({ path: 'x', passphrase: '' }), { instanceOf: TypeError });
});

test('a wallet folder already open elsewhere is DATABASE_LOCKED', async (t) => {
  const { path } = await newWallet(t);
  const error = await t.throwsAsync(openWallet({ path, passphrase: PASSPHRASE }));
  t.is((error as { code?: string }).code, 'DATABASE_LOCKED');
});

test('concurrent operations are serialized: parallel adds and a passphrase change all land', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet, path } = await newWallet(t);
  const vcs = await Promise.all(
    (['CitizenIdentityCard', 'DrivingLicence', 'HealthInsuranceCard'] as const).map((type) =>
      issuer.issue({ type, holder: wallet.holderDid }),
    ),
  );
  const [first, ...rest] = vcs;
  await Promise.all([
    wallet.add(first),
    wallet.changePassphrase(PASSPHRASE, 'mật khẩu thứ hai'),
    ...rest.map((vc) => wallet.add(vc)),
  ]);
  await wallet.close();
  const reopened = await openWallet({ path, passphrase: 'mật khẩu thứ hai', now: () => NOW });
  t.teardown(() => reopened.close());
  t.is((await reopened.list()).length, 3);
});
