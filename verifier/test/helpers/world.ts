import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BitstringStatusList,
  type CryptosuiteName,
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  createStatusList,
  createStatusListCredential,
  type DocumentLoader,
  deriveCredential,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  mandatoryPointersFor,
  selectivePointersFor,
  signCredential,
  signPresentation,
} from '@vneid/core';
import { credentialSchemaFor, fixtures, getCredentialType, registeredContexts } from '@vneid/schemas';
import {
  type BundleIssuer,
  createTrustBundle,
  type FetchLike,
  type LoadedTrustBundle,
  loadTrustBundle,
  openStatusCache,
  type StatusCache,
  signTrustBundle,
  type TrustBundle,
} from '../../src/index.js';

/** The verifier's frozen clock in tests. */
export const NOW = new Date('2026-06-01T08:00:00Z');
export const SIGNED_AT = new Date('2026-05-01T08:00:00Z');
export const KEYS_FROM = '2025-01-01T00:00:00Z';

export const MINISTRY = 'did:web:bocongan.gov.vn';
export const UNIVERSITY = 'did:web:hust.edu.vn';
export const LIST_BASE = 'https://bocongan.gov.vn/status';

export interface Issuer {
  did: string;
  /** P-256: ecdsa-sd-2023 and ecdsa-rdfc-2019. */
  key: KeyPair;
  /** Ed25519: eddsa-rdfc-2022. */
  edKey: KeyPair;
}

export interface StatusLists {
  revocation: { url: string; list: BitstringStatusList };
  suspension: { url: string; list: BitstringStatusList };
}

export interface World {
  anchor: KeyPair;
  ministry: Issuer;
  university: Issuer;
  holder: KeyPair;
  otherHolder: KeyPair;
  lists: StatusLists;
  universityLists: StatusLists;
  /** Loader the issuers and wallets use (all registered contexts, the issuers' DID documents). */
  documentLoader: DocumentLoader;
  bundle: TrustBundle;
  loaded: LoadedTrustBundle;
  cache: StatusCache;
  dir: string;
  /** URL → status list credential served by `fetch`. */
  served: Map<string, JsonObject>;
  fetch: FetchLike;
  fetched: string[];
  close(): Promise<void>;
}

async function issuerKeys(did: string): Promise<Issuer> {
  return {
    did,
    key: await generateKeyPair({ keyType: 'P-256', controller: did, id: `${did}#key-1` }),
    edKey: await generateKeyPair({ keyType: 'Ed25519', controller: did, id: `${did}#key-2` }),
  };
}

export function bundleIssuer(
  issuer: Issuer,
  options: { name: { vi: string; en: string }; credentialTypes: string[]; statusLists: string[] },
): BundleIssuer {
  return {
    id: issuer.did,
    name: options.name,
    credentialTypes: options.credentialTypes,
    verificationMethods: [issuer.key, issuer.edKey].map((k) => ({
      id: k.id,
      type: 'Multikey' as const,
      publicKeyMultibase: k.publicKeyMultibase,
      validFrom: KEYS_FROM,
    })),
    statusLists: options.statusLists,
  };
}

function lists(base: string): StatusLists {
  return {
    revocation: { url: `${base}/revocation/1`, list: createStatusList() },
    suspension: { url: `${base}/suspension/1`, list: createStatusList() },
  };
}

/** A complete, isolated setting: anchor, two issuers, holders, signed bundle, status cache in a temp folder. */
export async function createWorld(
  options: {
    issuers?: (w: Pick<World, 'ministry' | 'university'>) => BundleIssuer[];
    version?: number;
    contexts?: Record<string, string>;
  } = {},
): Promise<World> {
  const anchor = await generateKeyPair({
    keyType: 'Ed25519',
    controller: 'did:web:vneid.gov.vn',
    id: 'did:web:vneid.gov.vn#anchor-1',
  });
  const ministry = await issuerKeys(MINISTRY);
  const university = await issuerKeys(UNIVERSITY);
  const holder = await generateKeyPair({ keyType: 'Ed25519' });
  const otherHolder = await generateKeyPair({ keyType: 'Ed25519' });
  const ministryLists = lists(LIST_BASE);
  const universityLists = lists('https://hust.edu.vn/status');
  const documents = [ministry, university].map((i) =>
    createDidDocument({
      did: i.did,
      verificationMethods: [i.key, i.edKey].map((k) => ({ id: k.id, publicKeyMultibase: k.publicKeyMultibase })),
    }),
  );
  const documentLoader = createDocumentLoader({
    contexts: registeredContexts() as Map<string, Record<string, unknown>>,
    resolver: createOfflineDidResolver({ documents }),
  });
  const issuers = options.issuers?.({ ministry, university }) ?? [
    bundleIssuer(ministry, {
      name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
      credentialTypes: ['CitizenIdentityCard', 'DrivingLicence'],
      statusLists: [ministryLists.revocation.url, ministryLists.suspension.url],
    }),
    bundleIssuer(university, {
      name: { vi: 'Đại học Bách khoa Hà Nội', en: 'Hanoi University of Science and Technology' },
      credentialTypes: ['UniversityDegree'],
      statusLists: [universityLists.revocation.url, universityLists.suspension.url],
    }),
  ];
  const bundle = await signTrustBundle(
    createTrustBundle({
      version: options.version ?? 1,
      issuedAt: new Date('2026-05-01T00:00:00Z'),
      validUntil: new Date('2026-08-01T00:00:00Z'),
      issuers,
      ...(options.contexts ? { contexts: options.contexts } : {}),
    }),
    anchor,
    { now: new Date('2026-05-01T00:00:00Z') },
  );
  const loaded = await loadTrustBundle(bundle, { anchorKey: anchor.publicKeyMultibase, now: NOW });
  const dir = await mkdtemp(join(tmpdir(), 'vneid-verifier-'));
  const cache = await openStatusCache({ path: join(dir, 'status') });
  const served = new Map<string, JsonObject>();
  const fetched: string[] = [];
  const fetch: FetchLike = async (url) => {
    fetched.push(url);
    const body = served.get(url);
    return body ? new Response(JSON.stringify(body), { status: 200 }) : new Response('not found', { status: 404 });
  };
  return {
    anchor,
    ministry,
    university,
    holder,
    otherHolder,
    lists: ministryLists,
    universityLists,
    documentLoader,
    bundle,
    loaded,
    cache,
    dir,
    served,
    fetch,
    fetched,
    async close() {
      await cache.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Signs the issuer's current lists (ecdsa-rdfc-2019, P-256 key) and serves them. */
export async function publishLists(
  world: World,
  options: { issuer?: Issuer; lists?: StatusLists; validFrom?: Date; validUntil?: Date; key?: KeyPair } = {},
): Promise<void> {
  const issuer = options.issuer ?? world.ministry;
  const which = options.lists ?? (issuer === world.university ? world.universityLists : world.lists);
  for (const purpose of ['revocation', 'suspension'] as const) {
    const { url, list } = which[purpose];
    const unsigned = await createStatusListCredential({
      id: url,
      issuer: issuer.did,
      statusPurpose: purpose,
      list,
      validFrom: options.validFrom ?? new Date('2026-05-30T00:00:00Z'),
      validUntil: options.validUntil ?? new Date('2026-06-30T00:00:00Z'),
    });
    const signed = await signCredential({
      credential: unsigned,
      key: options.key ?? issuer.key,
      cryptosuite: 'ecdsa-rdfc-2019',
      documentLoader: world.documentLoader,
      now: options.validFrom ?? new Date('2026-05-30T00:00:00Z'),
    });
    world.served.set(url, signed);
  }
}

export interface IssueOptions {
  type?: keyof typeof fixtures;
  issuer?: Issuer;
  key?: KeyPair;
  /** Override the issuer claimed in the credential. */
  issuerId?: string;
  cryptosuite?: CryptosuiteName;
  holder?: string;
  subject?: Record<string, unknown>;
  validFrom?: string;
  validUntil?: string;
  signedAt?: Date;
  revocationIndex?: number;
  suspensionIndex?: number;
  lists?: StatusLists;
  /** More document types claimed beside `type` (their contexts are added too). */
  alsoTypes?: Array<keyof typeof fixtures>;
  /** Leave these out of the credential: its `validUntil`, or the holder (`credentialSubject.id`). */
  without?: Array<'validUntil' | 'holder'>;
}

/** A signed VNeID credential (ecdsa-sd-2023 base by default) with both status entries. */
export async function issue(world: World, options: IssueOptions = {}): Promise<JsonObject> {
  const type = options.type ?? 'DrivingLicence';
  const issuer = options.issuer ?? world.ministry;
  const cryptosuite = options.cryptosuite ?? 'ecdsa-sd-2023';
  const key = options.key ?? (cryptosuite === 'eddsa-rdfc-2022' ? issuer.edKey : issuer.key);
  const which = options.lists ?? (issuer === world.university ? world.universityLists : world.lists);
  const rev = options.revocationIndex ?? randomInt(0, 131_072);
  const sus = options.suspensionIndex ?? randomInt(0, 131_072);
  const entry = (purpose: 'revocation' | 'suspension', index: number) => ({
    id: `${which[purpose].url}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: which[purpose].url,
  });
  const credential: JsonObject = {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      ...[type, ...(options.alsoTypes ?? [])].map((t) => getCredentialType(t).contextUrl),
    ],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', type, ...(options.alsoTypes ?? [])],
    issuer: options.issuerId ?? issuer.did,
    validFrom: options.validFrom ?? '2026-01-01T00:00:00Z',
    validUntil: options.validUntil ?? '2036-01-01T00:00:00Z',
    credentialSchema: credentialSchemaFor(type),
    credentialSubject: { id: options.holder ?? world.holder.controller, ...(options.subject ?? fixtures[type]) },
    credentialStatus: [entry('revocation', rev), entry('suspension', sus)],
  };
  if (options.without?.includes('validUntil')) delete credential.validUntil;
  if (options.without?.includes('holder')) delete (credential.credentialSubject as JsonObject).id;
  return signCredential({
    credential,
    key,
    cryptosuite,
    documentLoader: world.documentLoader,
    now: options.signedAt ?? SIGNED_AT,
    ...(cryptosuite === 'ecdsa-sd-2023' ? { mandatoryPointers: mandatoryPointersFor(credential) } : {}),
  });
}

/** What a wallet does: derive a selective disclosure of `fields`. */
export async function derive(world: World, base: JsonObject, fields: string[]): Promise<JsonObject> {
  return deriveCredential({
    credential: base,
    selectivePointers: selectivePointersFor(fields),
    documentLoader: world.documentLoader,
  });
}

/** The index a credential's status entry of `purpose` uses. */
export function statusIndex(credential: JsonObject, purpose: 'revocation' | 'suspension'): number {
  const entries = credential.credentialStatus as Array<Record<string, string>>;
  return Number(entries.find((e) => e.statusPurpose === purpose)?.statusListIndex);
}

export async function present(
  world: World,
  credentials: JsonObject[],
  options: { challenge: string; domain: string; holder?: KeyPair; now?: Date },
): Promise<JsonObject> {
  return signPresentation({
    verifiableCredential: credentials,
    holderKey: options.holder ?? world.holder,
    challenge: options.challenge,
    domain: options.domain,
    documentLoader: world.documentLoader,
    now: options.now ?? new Date(NOW.getTime() - 30_000),
  });
}
