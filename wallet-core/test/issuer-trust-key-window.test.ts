// wallet.add labels a credential `issuerTrust: 'trusted'` only when the trust list has its issuer,
// type and verification method, the key is not compromised, the proof's `created` lies inside
// the key's validity window (as verifiers check it), and the listed key material is the one the
// proof was verified with. Otherwise the citizen would see as trusted what every verifier refuses.
import test from 'ava';
import { createTestIssuer } from './helpers/issue.js';
import { newWallet } from './helpers/wallet.js';

type Ministry = Awaited<ReturnType<typeof createTestIssuer>>;

function trustList(ministry: Ministry, key: { publicKeyMultibase: string; validFrom: string; validUntil?: string }) {
  return [
    {
      id: ministry.did,
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      credentialTypes: ['CitizenIdentityCard'],
      verificationMethods: [{ id: ministry.key.id, type: 'Multikey' as const, ...key }],
      statusLists: [],
    },
  ];
}

test('a credential signed after its key was retired is labelled untrusted; inside the window it is trusted', async (t) => {
  const ministry = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const { publicKeyMultibase } = ministry.key;
  const retired = await newWallet(t, {
    resolver: ministry.resolver,
    // Retired long before the credential below was signed.
    trustedIssuers: trustList(ministry, {
      publicKeyMultibase,
      validFrom: '2020-01-01T00:00:00Z',
      validUntil: '2021-01-01T00:00:00Z',
    }),
  });
  const vc = await ministry.issue({ type: 'CitizenIdentityCard', holder: retired.wallet.holderDid });
  const created = (vc.proof as { created?: string }).created;
  t.is(
    (await retired.wallet.add(vc)).credential.issuerTrust,
    'untrusted',
    `proof created ${created}, key retired 2021-01-01`,
  );

  const notYet = await newWallet(t, {
    resolver: ministry.resolver,
    trustedIssuers: trustList(ministry, { publicKeyMultibase, validFrom: '2999-01-01T00:00:00Z' }),
  });
  const early = await ministry.issue({ type: 'CitizenIdentityCard', holder: notYet.wallet.holderDid });
  t.is((await notYet.wallet.add(early)).credential.issuerTrust, 'untrusted', 'signed before the key entered service');

  const current = await newWallet(t, {
    resolver: ministry.resolver,
    trustedIssuers: trustList(ministry, {
      publicKeyMultibase,
      validFrom: '2020-01-01T00:00:00Z',
      validUntil: '2999-01-01T00:00:00Z',
    }),
  });
  const fresh = await ministry.issue({ type: 'CitizenIdentityCard', holder: current.wallet.holderDid });
  t.is((await current.wallet.add(fresh)).credential.issuerTrust, 'trusted');
});

test('a listed method id whose listed key material is another key is labelled untrusted', async (t) => {
  const ministry = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const other = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  t.not(other.key.publicKeyMultibase, ministry.key.publicKeyMultibase);
  const { wallet } = await newWallet(t, {
    resolver: ministry.resolver,
    trustedIssuers: trustList(ministry, {
      publicKeyMultibase: other.key.publicKeyMultibase,
      validFrom: '2020-01-01T00:00:00Z',
    }),
  });
  const vc = await ministry.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  t.is((await wallet.add(vc)).credential.issuerTrust, 'untrusted');
});
