// GET /status-lists/:id says `Cache-Control: public, max-age=<until the issuer re-signs it>`
// (default: half a day). Any HTTP cache in between — the browser running the /verify/ page
// (its syncStatus uses the global fetch), a CDN, a corporate proxy — may then keep answering
// the pre-revocation list for hours after a revocation, although the index (no-cache) already
// announces the newer version.
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { startTestService } from './helpers/service.js';

test('a list fetched just before a revocation may be served from HTTP caches for hours after it', async (t) => {
  const svc = await startTestService();
  t.teardown(() => svc.close());
  const key = svc.keys['bo-cong-an'] as string;
  const res = await svc.post(
    '/credentials/issue',
    { credential: { type: ['VerifiableCredential', 'CitizenIdentityCard'], credentialSubject: fixtures.CitizenIdentityCard } },
    key,
  );
  t.is(res.status, 201);
  const vc = ((await res.json()) as { verifiableCredential: { id: string; credentialStatus: Array<Record<string, string>> } })
    .verifiableCredential;
  const listUrl = vc.credentialStatus.find((s) => s.statusPurpose === 'revocation')!.statusListCredential as string;
  const before = await fetch(`${svc.url}${new URL(listUrl).pathname}`);
  const cacheControl = before.headers.get('cache-control') ?? '';
  await before.text();
  const revoked = await svc.post('/credentials/status', { credentialId: vc.id, action: 'revoke' }, key);
  t.is(revoked.status, 200);
  const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0);
  t.true(
    maxAge <= 300,
    `the pre-revocation list was served with "${cacheControl}": caches may hide the revocation for ${maxAge} s`,
  );
});
