// The whole product chain on real LevelDB folders in a temporary directory:
// an issuer (synced writes) with one ministry holding a P-256 and an Ed25519
// key → a signed trust bundle → a verifier status cache synced from the
// issuer's lists → a wallet holding an ecdsa-sd-2023 identity card → the
// presentation it makes for a 2-field request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDocumentLoader,
  createOfflineDidResolver,
  type DocumentLoader,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  type PresentationRequest,
} from '@vneid/core';
import { createIssuer, type Issuer, statusListIndex } from '@vneid/issuer';
import { fixtures, registeredContexts } from '@vneid/schemas';
import {
  createTrustBundle,
  type FetchLike,
  type LoadedTrustBundle,
  loadTrustBundle,
  openStatusCache,
  type StatusCache,
  signTrustBundle,
  syncStatus,
  type TrustBundle,
} from '@vneid/verifier';
import { openWallet, type Wallet } from '@vneid/wallet-core';
import { DISCLOSED, TYPE } from './input.js';

export const MINISTRY = 'bo-cong-an';
const POOL = 16;

export interface World {
  dir: string;
  issuer: Issuer;
  wallet: Wallet;
  /** Ed25519 key of a stand-in holder, for the library's presentation signing. */
  standInHolder: KeyPair;
  anchorKey: string;
  signedBundle: TrustBundle;
  bundle: LoadedTrustBundle;
  statusCache: StatusCache;
  now: Date;
  /** Static loader resolving the ministry's did:web and any did:key: what a plain-library verifier would be given. */
  documentLoader: DocumentLoader;
  /** eddsa-rdfc-2022 identity cards issued by the issuer (with status entries), distinct ids. */
  issuedEddsa: JsonObject[];
  /** The ecdsa-sd-2023 card in the wallet, as the issuer returned it. */
  walletCard: JsonObject;
  /** The signed status list credentials by URL, as a plain-library verifier would fetch them. */
  statusLists: Map<string, JsonObject>;
  request: PresentationRequest;
  /** Distinct presentations of the wallet card (fresh holder proofs) answering `request`. */
  presentations: JsonObject[];
  /** Syncs a second status cache in `path` and closes it (for a child process to open). */
  syncCacheInto(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function buildWorld(): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-bench-'));
  const issuer = await createIssuer({
    dataDir: join(dir, 'issuer'),
    passphrase: 'benchmark passphrase',
    baseUrl: 'http://127.0.0.1:8080',
  });
  await issuer.addMinistry({
    slug: MINISTRY,
    name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
    role: 'MinistryOfPublicSecurity',
  });
  // The ministry signs ecdsa-sd-2023 with its P-256 key by default; the
  // Ed25519 key lets it issue eddsa-rdfc-2022 cards for the verify figures.
  await issuer.createKey(MINISTRY, 'Ed25519');
  const resolver = createOfflineDidResolver({ documents: () => [issuer.didDocument(MINISTRY)] });
  const documentLoader = createDocumentLoader({ contexts: registeredContexts(), resolver });
  const wallet = await openWallet({ path: join(dir, 'wallet'), passphrase: 'benchmark wallet', resolver });

  const subject = { ...fixtures[TYPE] };
  const issuedEddsa: JsonObject[] = [];
  for (let i = 0; i < POOL; i++) {
    // Bound to a holder: the citizen-document profile requires credentialSubject.id.
    issuedEddsa.push(
      await issuer.issue({
        ministry: MINISTRY,
        type: TYPE,
        subject,
        holder: wallet.holderDid,
        suite: 'eddsa-rdfc-2022',
      }),
    );
  }
  const walletCard = await issuer.issue({ ministry: MINISTRY, type: TYPE, subject, holder: wallet.holderDid });
  await wallet.add(walletCard);

  const anchor = await generateKeyPair({
    keyType: 'Ed25519',
    controller: 'did:web:vneid.gov.vn',
    id: 'did:web:vneid.gov.vn#anchor',
  });
  const now = new Date();
  const signedBundle = await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: now,
      validUntil: new Date(now.getTime() + 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now },
  );
  const bundle = await loadTrustBundle(signedBundle, { anchorKey: anchor.publicKeyMultibase, now });
  const statusLists = new Map<string, JsonObject>();
  const fetchFromIssuer: FetchLike = async (url) => {
    // The lists' prefix serves the index the verifier reads first, as GET /status-lists/ does.
    if (url.endsWith('/')) {
      const index = await statusListIndex(issuer);
      statusLists.set(url, index as unknown as JsonObject);
      return new Response(JSON.stringify(index), { status: 200 });
    }
    const list = await issuer.getStatusListCredential(url.split('/').pop()!);
    statusLists.set(url, list);
    return new Response(JSON.stringify(list), { status: 200 });
  };
  const sync = async (cache: StatusCache) => {
    const report = await syncStatus(bundle, { cache, now, fetch: fetchFromIssuer });
    const failed = report.results.filter((r) => r.result === 'failed');
    if (!report.ok || failed.length > 0) throw new Error(`status sync failed: ${JSON.stringify(failed)}`);
  };
  const statusCache = await openStatusCache({ path: join(dir, 'status') });
  await sync(statusCache);

  const request: PresentationRequest = {
    query: [
      {
        type: 'QueryByExample',
        credentialQuery: {
          example: { type: TYPE, credentialSubject: Object.fromEntries(DISCLOSED.map((c) => [c, ''])) },
        },
      },
    ],
    challenge: 'benchmark-challenge-0001',
    domain: 'verifier.example.vn',
  };
  const presentations: JsonObject[] = [];
  for (let i = 0; i < 4; i++)
    presentations.push((await wallet.present(request, (await wallet.preview(request)).consent)).presentation);

  return {
    dir,
    issuer,
    wallet,
    standInHolder: await generateKeyPair({ keyType: 'Ed25519' }),
    anchorKey: anchor.publicKeyMultibase,
    signedBundle,
    bundle,
    statusCache,
    now,
    documentLoader,
    issuedEddsa,
    walletCard,
    statusLists,
    request,
    presentations,
    async syncCacheInto(path) {
      const cache = await openStatusCache({ path });
      try {
        await sync(cache);
      } finally {
        await cache.close();
      }
    },
    async close() {
      await wallet.close();
      await statusCache.close();
      await issuer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
