import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenID4VCIClient } from '@sphereon/oid4vci-client';
import type { Jwt } from '@sphereon/oid4vci-common';
import { generateKeyPair, type KeyPair, privateKeyObjectOf } from '@vneid/core';
import { fixtures } from '@vneid/schemas';
import test from 'ava';
import { CompactSign } from 'jose';
import { pino } from 'pino';
import { createApp, createIssuer, createOid4vciService, generateApiKey, hashApiKey } from '../src/index.js';

/**
 * Interoperability: Sphereon's OpenID4VCI client — an implementation we did
 * not write, and not the library our issuer is built on (@openid4vc) — takes
 * an offer from our issuer, redeems it with the transaction code, proves
 * possession of a did:key and receives an ldp_vc credential bound to it.
 */
async function startIssuerService(t: import('ava').ExecutionContext) {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-oid4vci-'));
  let handler: http.RequestListener | undefined;
  const server = http.createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = await createIssuer({ dataDir: join(dir, 'db'), passphrase: 'interop passphrase', baseUrl: url });
  await issuer.addMinistry({
    slug: 'bo-cong-an',
    name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
    role: 'MinistryOfPublicSecurity',
  });
  const apiKey = generateApiKey();
  handler = createApp({
    issuer,
    apiKeys: [{ ministry: 'bo-cong-an', sha256: hashApiKey(apiKey) }],
    logger: pino({ level: 'silent' }),
    oid4vci: { service: createOid4vciService({ issuer }) },
  });
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await issuer.close();
    await rm(dir, { recursive: true, force: true });
  });
  const createOffer = async () => {
    const response = await fetch(`${url}/oid4vci/offers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ type: 'CitizenIdentityCard', credentialSubject: fixtures.CitizenIdentityCard }),
    });
    if (response.status !== 201) throw new Error(`offer: ${response.status} ${await response.text()}`);
    return (await response.json()) as { credentialOfferUri: string; txCode: string };
  };
  return { issuer, url, createOffer };
}

function signerFor(holder: KeyPair) {
  return async (jwt: Jwt): Promise<string> =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(jwt.payload)))
      .setProtectedHeader({ ...jwt.header, alg: 'EdDSA', kid: holder.id } as never)
      .sign(privateKeyObjectOf(holder));
}

test('a third-party client (Sphereon oid4vci-client) obtains a citizen identity card bound to its did:key from our issuer', async (t) => {
  const { issuer, createOffer } = await startIssuerService(t);
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const offer = await createOffer();
  const client = await OpenID4VCIClient.fromURI({
    uri: offer.credentialOfferUri,
    kid: holder.id,
    alg: 'EdDSA',
    retrieveServerMetadata: true,
  });
  await client.acquireAccessToken({ pin: offer.txCode });
  const response = await client.acquireCredentials({
    credentialTypes: 'CitizenIdentityCard',
    format: 'ldp_vc',
    proofCallbacks: { signCallback: signerFor(holder) },
    kid: holder.id,
    alg: 'EdDSA',
  });
  const body = response as unknown as {
    credentials?: Array<{ credential: Record<string, unknown> }>;
    credential?: Record<string, unknown>;
  };
  const credential = body.credentials?.[0]?.credential ?? body.credential;
  t.truthy(credential);
  t.is((credential!.credentialSubject as { id: string }).id, holder.controller);
  t.is((credential!.credentialSubject as { fullName: string }).fullName, fixtures.CitizenIdentityCard.fullName);
  t.is(credential!.issuer, issuer.getMinistry('bo-cong-an').did);
  t.is((credential!.proof as { cryptosuite: string }).cryptosuite, 'ecdsa-sd-2023');
  t.is((await issuer.listRecords()).length, 1, 'one credential issued and recorded');
});

test('the third-party client cannot redeem the same offer twice, nor with a wrong transaction code', async (t) => {
  const { createOffer } = await startIssuerService(t);
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const offer = await createOffer();
  const wrong = offer.txCode === '000000' ? '111111' : '000000';
  const first = await OpenID4VCIClient.fromURI({ uri: offer.credentialOfferUri, kid: holder.id, alg: 'EdDSA' });
  await t.throwsAsync(first.acquireAccessToken({ pin: wrong }), { message: /failed with status: 400/ });
  await first.acquireAccessToken({ pin: offer.txCode });
  // Replayed: the offer by reference is gone and the code is spent.
  await t.throwsAsync(async () => {
    const again = await OpenID4VCIClient.fromURI({ uri: offer.credentialOfferUri, kid: holder.id, alg: 'EdDSA' });
    await again.acquireAccessToken({ pin: offer.txCode });
  });
});
