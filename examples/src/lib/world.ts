import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDocumentLoader,
  createOfflineDidResolver,
  type DocumentLoader,
  type ErrorCode,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  type RelyingPartyRegistration,
  VneidError,
} from '@vneid/core';
import {
  type CreateAppOptions,
  type CreatedOffer,
  createApp,
  createIssuer,
  createOid4vciService,
  DEV_MINISTRIES,
  generateApiKey,
  hashApiKey,
  type Issuer,
} from '@vneid/issuer';
import { registeredContexts } from '@vneid/schemas';
import {
  type ChallengeStore,
  createAccountabilityLog,
  createChallengeStore,
  createOid4vpVerifier,
  createRequestSigningKey,
  createTrustBundle,
  type LoadedTrustBundle,
  loadTrustBundle,
  type Oid4vpVerifier,
  openStatusCache,
  type RequestSigningKey,
  type StatusCache,
  type StatusSyncReport,
  signTrustBundle,
  syncStatus,
  type TrustBundle,
  type VerificationReport,
  verifyPresentation,
} from '@vneid/verifier';
import { openWallet, type Wallet } from '@vneid/wallet-core';
import express from 'express';
import { type Clock, createClock } from './clock.js';
import { ONLINE_RELYING_PARTIES, type OnlineRelyingParty } from './online-relying-parties.js';

function devMinistry<S extends (typeof DEV_MINISTRIES)[number]['slug']>(slug: S) {
  const found = DEV_MINISTRIES.find((m) => m.slug === slug);
  if (!found) throw new Error(`no development ministry ${slug}`);
  return found as Extract<(typeof DEV_MINISTRIES)[number], { slug: S }>;
}

/** The issuing authorities of the scenarios: slug, names, role. */
export const MINISTRIES = {
  // The issuer's development ministries: one fact, one place.
  police: devMinistry('bo-cong-an'),
  socialSecurity: devMinistry('bhxh'),
  university: devMinistry('dhqghn'),
  // Runs on the issuing platform as a university, but the trust authority has
  // withdrawn its accreditation: the bundle lists it for no document type.
  withdrawn: {
    slug: 'cao-dang-abc',
    name: { vi: 'Trường Cao đẳng ABC', en: 'ABC College' },
    role: 'AccreditedUniversity',
  },
} as const;

/** A ministry key of the scenarios. */
export type MinistryKey = keyof typeof MINISTRIES;

/** The trust authority's decisions on top of what the issuer declares: issuers whose types it narrows. */
const TRUST_POLICY: Record<string, { credentialTypes: string[] }> = {
  [MINISTRIES.withdrawn.slug]: { credentialTypes: [] },
};

/** Status lists stay valid for 40 days here, so that scenarios can move the clock a few weeks ahead. */
const STATUS_LIST_VALIDITY_S = 40 * 86_400;
const BUNDLE_VALIDITY_MS = 90 * 86_400_000;

/** Everything a scenario needs: a running issuer service, a citizen's wallet and a verifier's trust. */
export interface World {
  clock: Clock;
  issuer: Issuer;
  /** Base URL of the issuer service on 127.0.0.1 (its DIDs and status list URLs derive from it). */
  serviceUrl: string;
  /** Plaintext API key of each ministry (the service holds only their SHA-256). */
  apiKeys: Record<MinistryKey, string>;
  did(ministry: MinistryKey): string;
  /** The national trust anchor (Ed25519) that signs the bundle. */
  anchor: KeyPair;
  /** The bundle as loaded by verifiers (signature checked). */
  trust: LoadedTrustBundle;
  statusCache: StatusCache;
  wallet: Wallet;
  /** Loader with every registered context and the ministries' DID documents. */
  documentLoader: DocumentLoader;
  /** Lines the issuer service logged (JSON), to show what it does and does not record. */
  serviceLog: string[];
  /** Issues over HTTP with the ministry's API key, to the wallet's holder, and stores it in the wallet. */
  issueToWallet(
    ministry: MinistryKey,
    type: string,
    subject: Record<string, unknown>,
    options: { validUntil: string; validFrom?: string },
  ): Promise<JsonObject>;
  /** `POST /oid4vci/offers` with the ministry's API key: an OpenID4VCI offer (link, QR, transaction code). */
  createOffer(
    ministry: MinistryKey,
    type: string,
    subject: Record<string, unknown>,
    options: { validUntil: string; validFrom?: string },
  ): Promise<CreatedOffer>;
  /** The whole OpenID4VCI flow: the ministry offers, the wallet previews, redeems with the code and stores. */
  receiveByOid4vci(
    ministry: MinistryKey,
    type: string,
    subject: Record<string, unknown>,
    options: { validUntil: string; validFrom?: string },
  ): Promise<JsonObject>;
  /** `POST /credentials/status` with the ministry's API key. */
  changeStatus(
    ministry: MinistryKey,
    credentialId: string,
    action: 'revoke' | 'suspend' | 'reinstate',
    reason?: string,
  ): Promise<{ credentialId: string; state: string }>;
  /** The verifier's online step: fetch and verify every status list of the bundle over HTTP. */
  syncStatus(): Promise<StatusSyncReport>;
  /** A verifier device of `domain` with its own challenge store. */
  verifier(domain: string): VerifierDevice;
  /**
   * The OpenID4VP verifier service of an online relying party, listening on 127.0.0.1 (started on first use):
   * its request key is registered in the trust bundle, its accountability log kept in memory.
   */
  onlineVerifier(party: OnlineRelyingParty): Promise<OnlineVerifier>;
  /** The request-signing key of each online relying party (registered in the bundle by its thumbprint). */
  requestKeys: Readonly<Record<OnlineRelyingParty, RequestSigningKey>>;
  close(): Promise<void>;
}

/** A relying party's OpenID4VP service. */
export interface OnlineVerifier {
  verifier: Oid4vpVerifier;
  /** Where its router is mounted. */
  baseUrl: string;
  log: ReturnType<typeof createAccountabilityLog>;
}

/** A verifier's device: it issues challenges and verifies presentations offline. */
export interface VerifierDevice {
  domain: string;
  challenges: ChallengeStore;
  verify(
    presentation: unknown,
    options: { challenge: string; request?: PresentationRequestLike },
  ): Promise<VerificationReport>;
}

/** The request a verifier sends (QueryByExample); see wallet-core's README. */
export interface PresentationRequestLike {
  query: Array<{
    type: 'QueryByExample';
    credentialQuery: { reason?: string; example: { type: string; credentialSubject: Record<string, string> } };
  }>;
  challenge: string;
  domain: string;
}

/** Stops a server started by {@link listen}, dropping its keep-alive connections. */
function stop(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function post(url: string, apiKey: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    throw new VneidError((json.code as ErrorCode) ?? 'INTERNAL_ERROR', String(json.detail ?? response.status), {
      details: { status: response.status },
    });
  }
  return json;
}

/**
 * Sets up a complete, isolated world in a temp folder: the issuer service
 * (LevelDB, real keys) listening on 127.0.0.1 with four authorities and their
 * API keys, a national trust anchor and a signed trust bundle built from the
 * issuer's `trustBundleIssuers()`, a verifier status cache synced over HTTP,
 * and a citizen's encrypted wallet. `close()` stops and removes everything.
 *
 * @example
 * const world = await createWorld(); try { await policeCheck.run(world) } finally { await world.close() }
 */
export async function createWorld(): Promise<World> {
  const clock = createClock();
  const dir = await mkdtemp(join(tmpdir(), 'vneid-examples-'));
  const closers: Array<() => Promise<void>> = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => {});
  };
  try {
    // Listen first: the issuer's DIDs and status list URLs derive from the port it gets.
    let handler: http.RequestListener | undefined;
    const server = http.createServer((req, res) => {
      if (handler) handler(req, res);
      else res.writeHead(503).end();
    });
    const port = await listen(server);
    closers.push(() => stop(server));
    const serviceUrl = `http://127.0.0.1:${port}`;
    const issuer = await createIssuer({
      dataDir: join(dir, 'issuer'),
      passphrase: randomBytes(24).toString('base64url'),
      baseUrl: serviceUrl,
      now: () => clock.now(),
      statusListValidity: STATUS_LIST_VALIDITY_S,
      // The scenarios date degrees a few days back so that the wallet offers the newest
      // (the service's default bound on backdating is one day).
      maxBackdatingSeconds: 7 * 86_400,
    });
    closers.push(() => issuer.close());
    const apiKeys = {} as Record<MinistryKey, string>;
    for (const [key, m] of Object.entries(MINISTRIES) as Array<[MinistryKey, (typeof MINISTRIES)[MinistryKey]]>) {
      await issuer.addMinistry(m);
      apiKeys[key] = generateApiKey();
    }
    const serviceLog: string[] = [];
    const logger = {
      info: (obj: unknown, msg?: string) => serviceLog.push(JSON.stringify({ ...(obj as object), msg })),
      error: (obj: unknown, msg?: string) =>
        serviceLog.push(JSON.stringify({ level: 'error', msg, code: (obj as { err?: { code?: string } }).err?.code })),
    } as unknown as CreateAppOptions['logger'];
    handler = createApp({
      issuer,
      apiKeys: (Object.keys(MINISTRIES) as MinistryKey[]).map((k) => ({
        ministry: MINISTRIES[k].slug,
        sha256: hashApiKey(apiKeys[k]),
      })),
      logger,
      now: () => clock.now(),
      oid4vci: { service: createOid4vciService({ issuer, now: () => clock.now() }) },
    });

    // The trust authority: its anchor signs what verifiers trust.
    const anchor = await generateKeyPair({
      keyType: 'Ed25519',
      controller: 'did:web:trust.vneid.gov.vn',
      id: 'did:web:trust.vneid.gov.vn#anchor-1',
    });
    const issuedAt = clock.now();
    // Online relying parties sign their requests; the authority registers their keys with what they may ask.
    const requestKeys = {} as Record<OnlineRelyingParty, RequestSigningKey>;
    const relyingParties: RelyingPartyRegistration[] = [];
    for (const party of Object.keys(ONLINE_RELYING_PARTIES) as OnlineRelyingParty[]) {
      requestKeys[party] = await createRequestSigningKey();
      relyingParties.push({
        ...structuredClone(ONLINE_RELYING_PARTIES[party]),
        credentials: ONLINE_RELYING_PARTIES[party].credentials.map((c) => ({ type: c.type, fields: [...c.fields] })),
        requestKeys: [requestKeys[party].thumbprint],
      });
    }
    const issuers = issuer.trustBundleIssuers().map((entry) => {
      const slug = issuer.listMinistries().find((m) => m.did === entry.id)?.slug ?? '';
      return TRUST_POLICY[slug] ? { ...entry, ...TRUST_POLICY[slug] } : entry;
    });
    const signed: TrustBundle = await signTrustBundle(
      createTrustBundle({
        version: 1,
        issuedAt,
        validUntil: new Date(issuedAt.getTime() + BUNDLE_VALIDITY_MS),
        issuers,
        relyingParties,
      }),
      anchor,
      { now: issuedAt },
    );
    // Verifiers receive the bundle as text and check the anchor's signature.
    const trust = await loadTrustBundle(JSON.stringify(signed), {
      anchorKey: anchor.publicKeyMultibase,
      now: issuedAt,
    });
    const statusCache = await openStatusCache({ path: join(dir, 'verifier-status') });
    closers.push(() => statusCache.close());

    const documents = issuer.listMinistries().map((m) => issuer.didDocument(m.slug));
    const resolver = createOfflineDidResolver({ documents });
    const documentLoader = createDocumentLoader({
      contexts: registeredContexts() as never,
      resolver,
    });
    const wallet = await openWallet({
      path: join(dir, 'wallet'),
      passphrase: 'cụm mật khẩu dài của công dân',
      resolver,
      now: () => clock.now(),
      relyingParties: trust.bundle.relyingParties ?? [],
    });
    closers.push(() => wallet.close());
    const online = new Map<OnlineRelyingParty, Promise<OnlineVerifier>>();
    const startOnline = async (party: OnlineRelyingParty): Promise<OnlineVerifier> => {
      const app = express();
      const server = http.createServer(app);
      const verifierPort = await listen(server);
      closers.push(() => stop(server));
      const clientId = ONLINE_RELYING_PARTIES[party].id;
      const baseUrl = `http://127.0.0.1:${verifierPort}/oid4vp`;
      const log = createAccountabilityLog({ verifier: clientId, now: () => clock.now() });
      const verifier = createOid4vpVerifier({
        clientId,
        baseUrl,
        signingKey: requestKeys[party],
        bundle: trust,
        statusCache,
        accountabilityLog: log,
        now: () => clock.now(),
      });
      app.use('/oid4vp', verifier.router);
      return { verifier, baseUrl, log };
    };

    const world: World = {
      clock,
      issuer,
      serviceUrl,
      apiKeys,
      did: (m) => issuer.getMinistry(MINISTRIES[m].slug).did,
      anchor,
      trust,
      statusCache,
      wallet,
      documentLoader,
      serviceLog,
      async issueToWallet(ministry, type, subject, options) {
        const answer = await post(`${serviceUrl}/credentials/issue`, apiKeys[ministry], {
          credential: {
            type: ['VerifiableCredential', type],
            credentialSubject: { ...subject, id: wallet.holderDid },
            ...(options.validFrom ? { validFrom: options.validFrom } : {}),
            validUntil: options.validUntil,
          },
        });
        const credential = answer.verifiableCredential as JsonObject;
        await wallet.add(credential);
        return credential;
      },
      async createOffer(ministry, type, subject, options) {
        return (await post(`${serviceUrl}/oid4vci/offers`, apiKeys[ministry], {
          type,
          credentialSubject: subject,
          ...(options.validFrom ? { validFrom: options.validFrom } : {}),
          validUntil: options.validUntil,
        })) as unknown as CreatedOffer;
      },
      async receiveByOid4vci(ministry, type, subject, options) {
        const offer = await world.createOffer(ministry, type, subject, options);
        const preview = await wallet.previewOffer(offer.credentialOfferUri);
        const [added] = await wallet.acceptOffer(preview, { txCode: offer.txCode });
        const credential = added ? await wallet.get(added.credential.id) : undefined;
        if (!credential) throw new VneidError('OID4VC_PROTOCOL_ERROR', 'the wallet received nothing');
        return credential;
      },
      async changeStatus(ministry, credentialId, action, reason) {
        const answer = await post(`${serviceUrl}/credentials/status`, apiKeys[ministry], {
          credentialId,
          action,
          ...(reason ? { reason } : {}),
        });
        return { credentialId: String(answer.credentialId), state: String(answer.state) };
      },
      syncStatus: () => syncStatus(trust, { cache: statusCache, now: clock.now() }),
      verifier(domain) {
        const challenges = createChallengeStore({ ttlSeconds: 300, now: () => clock.now() });
        return {
          domain,
          challenges,
          verify: (presentation, options) =>
            verifyPresentation(presentation, {
              bundle: trust,
              statusCache,
              now: clock.now(),
              domain,
              challenge: options.challenge,
              challengeStore: challenges,
              ...(options.request ? { request: options.request } : {}),
            }),
        };
      },
      requestKeys,
      onlineVerifier(party) {
        let started = online.get(party);
        if (!started) {
          started = startOnline(party);
          online.set(party, started);
        }
        return started;
      },
      close,
    };
    return world;
  } catch (error) {
    await close();
    throw error;
  }
}
