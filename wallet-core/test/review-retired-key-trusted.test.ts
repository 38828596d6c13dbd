// wallet.add labels a credential `issuerTrust: 'trusted'` when the trust list has its issuer,
// type and verification method and the key is not marked compromised — but never checks the
// key's validity window. A credential signed with a key the ministry retired (validUntil in
// the past, e.g. a leaked old HSM key) is shown to the citizen as trusted; every verifier will
// refuse it.
import test from 'ava';
import { createTestIssuer } from './helpers/issue.js';
import { newWallet } from './helpers/wallet.js';

test('a credential signed after its key was retired is not labelled trusted', async (t) => {
  const ministry = await createTestIssuer({ didWeb: 'bocongan.gov.vn' });
  const trustedIssuers = [
    {
      id: ministry.did,
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      credentialTypes: ['CitizenIdentityCard'],
      verificationMethods: [
        {
          id: ministry.key.id,
          type: 'Multikey' as const,
          publicKeyMultibase: ministry.key.publicKeyMultibase,
          validFrom: '2020-01-01T00:00:00Z',
          // Retired long before the credential below was signed.
          validUntil: '2021-01-01T00:00:00Z',
        },
      ],
      statusLists: [],
    },
  ];
  const { wallet } = await newWallet(t, { resolver: ministry.resolver, trustedIssuers });
  const vc = await ministry.issue({ type: 'CitizenIdentityCard', holder: wallet.holderDid });
  const created = (vc.proof as { created?: string }).created;
  const added = await wallet.add(vc);
  t.not(added.credential.issuerTrust, 'trusted', `proof created ${created}, key retired 2021-01-01`);
});
