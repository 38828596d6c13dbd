import { forbidNetwork, networkAttempts } from '@vneid/test-support/no-network';

forbidNetwork();

import test from 'ava';
import { openBackup, sealBackup } from '../src/lib/backup-format.js';
import { createTestIssuer } from './helpers/issue.js';
import { newWallet, presentWithConsent, requestFor } from './helpers/wallet.js';

test.after.always('no test reached the network', (t) => {
  t.deepEqual(networkAttempts, []);
});

const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;
const BACKUP_PASSPHRASE = 'sao lưu ngày 1 tháng 6';

test('export → import round trip restores holder key, credentials, status and history', async (t) => {
  const issuer = await createTestIssuer({ didWeb: 'bhxh.gov.vn' });
  const { wallet } = await newWallet(t, { resolver: issuer.resolver });
  const card = await issuer.issue({ type: 'HealthInsuranceCard', holder: wallet.holderDid });
  const degree = await issuer.issue({ type: 'UniversityDegree', holder: wallet.holderDid });
  await wallet.add(card);
  await wallet.add(degree);
  await presentWithConsent(
    wallet,
    requestFor('HealthInsuranceCard', ['benefitLevel'], { domain: 'benhvien.example.vn' }),
  );
  const blob = await wallet.export(BACKUP_PASSPHRASE);
  t.regex(blob, /^[A-Za-z0-9+/]+={0,2}$/);
  t.false(Buffer.from(blob, 'base64').toString('utf8').includes('Nguyễn'));

  const { wallet: restored } = await newWallet(t, { resolver: issuer.resolver });
  t.not(restored.holderDid, wallet.holderDid);
  const result = await restored.importBackup(blob, BACKUP_PASSPHRASE);
  t.deepEqual(result, { holderDid: wallet.holderDid, credentials: 2, historyEntries: 1 });
  t.is(restored.holderDid, wallet.holderDid);
  t.deepEqual(await restored.get(card.id as string), card);
  t.deepEqual(await restored.list(), await wallet.list());
  t.deepEqual(await restored.history(), await wallet.history());
  // The restored holder key presents, and the log continues after the restored entries.
  await presentWithConsent(restored, requestFor('UniversityDegree', ['degreeTitle']));
  t.deepEqual(
    (await restored.history()).map((e) => e.credentials[0]?.type),
    ['UniversityDegree', 'HealthInsuranceCard'],
  );
});

test('a wrong backup passphrase or a tampered blob is BACKUP_INVALID, and nothing is written', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  await wallet.add(await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid }));
  const blob = await wallet.export(BACKUP_PASSPHRASE);
  const { wallet: target } = await newWallet(t);
  const holder = target.holderDid;

  t.is(codeOf(await t.throwsAsync(target.importBackup(blob, 'sai mật khẩu'))), 'BACKUP_INVALID');
  const envelope = JSON.parse(Buffer.from(blob, 'base64').toString('utf8'));
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  const tampered = [
    { ...envelope, ciphertext: flip(envelope.ciphertext, 40) },
    { ...envelope, nonce: flip(envelope.nonce, 2) },
    { ...envelope, kdf: { ...envelope.kdf, salt: flip(envelope.kdf.salt, 3) } },
    { ...envelope, kdf: { ...envelope.kdf, N: 2 ** 30 } },
    { ...envelope, version: 2 },
  ];
  for (const e of tampered) {
    const altered = Buffer.from(JSON.stringify(e)).toString('base64');
    t.is(codeOf(await t.throwsAsync(target.importBackup(altered, BACKUP_PASSPHRASE))), 'BACKUP_INVALID');
  }
  for (const junk of ['', 'not base64!', Buffer.from('{}').toString('base64'), blob.slice(0, -8)]) {
    t.is(codeOf(await t.throwsAsync(target.importBackup(junk, BACKUP_PASSPHRASE))), 'BACKUP_INVALID');
  }
  t.deepEqual(await target.list(), []);
  t.is(target.holderDid, holder);
  // The untouched blob still imports.
  t.is((await target.importBackup(blob, BACKUP_PASSPHRASE)).credentials, 1);
});

test('a backup is restored only into an empty wallet: WALLET_NOT_EMPTY', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t);
  await wallet.add(await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid }));
  const blob = await wallet.export(BACKUP_PASSPHRASE);
  t.is(codeOf(await t.throwsAsync(wallet.importBackup(blob, BACKUP_PASSPHRASE))), 'WALLET_NOT_EMPTY');
});

test('a backup whose issuer cannot be resolved by the new wallet is BACKUP_INVALID naming DID_NOT_FOUND', async (t) => {
  const issuer = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { wallet } = await newWallet(t, { resolver: issuer.resolver });
  await wallet.add(await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid }));
  const blob = await wallet.export(BACKUP_PASSPHRASE);
  const { wallet: target } = await newWallet(t);
  const error = await t.throwsAsync(target.importBackup(blob, BACKUP_PASSPHRASE));
  t.is(codeOf(error), 'BACKUP_INVALID');
  t.is((error as { details?: { code?: string } }).details?.code, 'DID_NOT_FOUND');
  t.deepEqual(await target.list(), []);
});

test('a restored backup never makes a credential less revoked: status comes back only when it is "revoked"', async (t) => {
  const issuer = await createTestIssuer();
  const { wallet } = await newWallet(t, { resolver: issuer.resolver });
  const revoked = await issuer.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  const active = await issuer.issue({ type: 'DrivingLicence', holder: wallet.holderDid });
  await wallet.add(revoked);
  await wallet.add(active);
  issuer.setStatus(revoked, 'revocation', true);
  const lists = {
    revocation: await issuer.statusListCredential('revocation'),
    suspension: await issuer.statusListCredential('suspension'),
  };
  await wallet.refreshStatus(async (url) =>
    url === issuer.listUrl('revocation') ? lists.revocation : lists.suspension,
  );
  const blob = await wallet.export(BACKUP_PASSPHRASE);

  const { wallet: honest } = await newWallet(t, { resolver: issuer.resolver });
  await honest.importBackup(blob, BACKUP_PASSPHRASE);
  const statusOf = async (w: typeof wallet) => Object.fromEntries((await w.list()).map((c) => [c.type, c.status]));
  t.deepEqual(await statusOf(honest), { CitizenIdentityCard: 'revoked', DrivingLicence: 'unknown' });

  // Whoever knows the backup passphrase can re-seal an edited blob: "revoked" → "active".
  const content = await openBackup(blob, BACKUP_PASSPHRASE);
  for (const c of content.credentials) (c.summary as { status: string }).status = 'active';
  const forged = await sealBackup(content, BACKUP_PASSPHRASE);
  const { wallet: restored } = await newWallet(t, { resolver: issuer.resolver });
  await restored.importBackup(forged, BACKUP_PASSPHRASE);
  t.deepEqual(await statusOf(restored), { CitizenIdentityCard: 'unknown', DrivingLicence: 'unknown' });
});
