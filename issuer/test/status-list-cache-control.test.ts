// GET /status-lists/:id is served with `Cache-Control: no-cache`: an HTTP cache in between (the
// browser running the /verify/ page, a CDN, a corporate proxy) revalidates at every use, so a
// revocation is never hidden behind a cached pre-revocation list; the ETag keeps an unchanged
// list a 304.
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { startTestService } from './helpers/service.js';

test('a list is served no-cache: revalidation after a revocation gets the new list, an unchanged list is a 304', async (t) => {
  const svc = await startTestService();
  t.teardown(() => svc.close());
  const key = svc.keys['bo-cong-an'] as string;
  const res = await svc.post(
    '/credentials/issue',
    {
      credential: {
        type: ['VerifiableCredential', 'CitizenIdentityCard'],
        credentialSubject: fixtures.CitizenIdentityCard,
      },
    },
    key,
  );
  t.is(res.status, 201);
  const vc = (
    (await res.json()) as { verifiableCredential: { id: string; credentialStatus: Array<Record<string, string>> } }
  ).verifiableCredential;
  const listUrl = vc.credentialStatus.find((s) => s.statusPurpose === 'revocation')!.statusListCredential as string;
  const path = `${svc.url}${new URL(listUrl).pathname}`;
  const before = await fetch(path);
  const cacheControl = before.headers.get('cache-control') ?? '';
  const etag = before.headers.get('etag') ?? '';
  await before.text();
  t.is(cacheControl, 'no-cache');
  // Unchanged: the cache's revalidation costs no body.
  t.is((await fetch(path, { headers: { 'if-none-match': etag } })).status, 304);
  const revoked = await svc.post('/credentials/status', { credentialId: vc.id, action: 'revoke' }, key);
  t.is(revoked.status, 200);
  // Changed: the same revalidation now gets the revoked list, not a 304.
  const after = await fetch(path, { headers: { 'if-none-match': etag } });
  t.is(after.status, 200);
  t.not(after.headers.get('etag'), etag);
  t.is(after.headers.get('cache-control'), 'no-cache');
  await after.text();
});
