import { didWebFromHost, generateKeyPair, type KeyType, VneidError } from '@vneid/core';
import { listCredentialTypes } from '@vneid/schemas';
import { allocationPolicy, type IssuerContext } from './lib/context.js';
import { firstKeyValidFrom } from './lib/key-windows.js';
import { createKey, ISSUER_KEY_TYPES, loadMinistry } from './lib/keys.js';
import type { KeyRecord, MinistryRecord } from './lib/types.js';
import { initialLists } from './storage/lists.js';

/** What {@link Issuer.addMinistry} takes. */
export interface AddMinistryInput {
  /** URL path segment and last did:web segment, e.g. `bo-cong-an`. */
  slug: string;
  name: { vi: string; en: string };
  /** Must equal a credential type's `issuerRole` for the ministry to issue that type. */
  role: 'MinistryOfPublicSecurity' | 'VietnamSocialSecurity' | 'AccreditedUniversity' | (string & {});
  /** Also sign arbitrary VCDM credentials (VC API conformance), default false. */
  allowGeneralCredentials?: boolean;
  /** General credentials may carry a `credentialStatus` the caller set (default false: the issuer's own only). */
  allowCallerCredentialStatus?: boolean;
  /**
   * `'web'` (default): `did:web:<host>:<slug>`, keys rotate. `'key'`: the
   * instance is the `did:key` of one key made now (small agencies, test
   * issuers; the W3C test suites resolve only did:key). A did:key cannot
   * rotate, signs only with that key's suites, and issues general
   * credentials only (needs `allowGeneralCredentials`).
   */
  didMethod?: 'web' | 'key';
  /** Key type of a did:key instance; default P-256. */
  keyType?: KeyType;
}

/** A ministry as the issuer reports it. */
export interface MinistryInfo {
  slug: string;
  did: string;
  name: { vi: string; en: string };
  role: string;
  allowGeneralCredentials: boolean;
  allowCallerCredentialStatus: boolean;
  /** Every registered credential type whose issuerRole is this ministry's role. */
  credentialTypes: string[];
  keys: KeyRecord[];
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const ROLE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
// Slugs share the URL space with the service's own routes.
const RESERVED = new Set(['credentials', 'status-lists', 'health', 'openapi.json', 'well-known', 'admin']);

/** Authorised types are derived, never stored: a type registered later is picked up by role. */
export function authorizedTypes(role: string): string[] {
  return listCredentialTypes()
    .filter((d) => d.issuerRole === role)
    .map((d) => d.type);
}

export function ministryInfo(m: MinistryRecord): MinistryInfo {
  return {
    slug: m.slug,
    did: m.did,
    name: { ...m.name },
    role: m.role,
    allowGeneralCredentials: m.allowGeneralCredentials,
    allowCallerCredentialStatus: m.allowCallerCredentialStatus ?? false,
    credentialTypes: m.did.startsWith('did:key:') ? [] : authorizedTypes(m.role),
    keys: m.keys.map((k) => ({ ...k })),
  };
}

function checkInput(input: AddMinistryInput): void {
  if (input === null || typeof input !== 'object') throw new TypeError('ministry must be an object');
  if (typeof input.slug !== 'string' || !SLUG.test(input.slug) || RESERVED.has(input.slug)) {
    throw new TypeError('slug must be a lower-case URL segment (a-z, 0-9, -) and not a reserved route');
  }
  const n = input.name;
  if (
    !n ||
    typeof n.vi !== 'string' ||
    typeof n.en !== 'string' ||
    !n.vi ||
    !n.en ||
    n.vi.length > 200 ||
    n.en.length > 200
  ) {
    throw new TypeError('name must be { vi, en } non-empty strings of at most 200 characters');
  }
  if (typeof input.role !== 'string' || !ROLE.test(input.role))
    throw new TypeError('role must be a PascalCase identifier');
  if (input.allowGeneralCredentials !== undefined && typeof input.allowGeneralCredentials !== 'boolean') {
    throw new TypeError('allowGeneralCredentials must be a boolean');
  }
  if (input.allowCallerCredentialStatus !== undefined && typeof input.allowCallerCredentialStatus !== 'boolean') {
    throw new TypeError('allowCallerCredentialStatus must be a boolean');
  }
  if (input.didMethod !== undefined && input.didMethod !== 'web' && input.didMethod !== 'key') {
    throw new TypeError("didMethod must be 'web' or 'key'");
  }
  if (input.didMethod === 'key' && input.allowGeneralCredentials !== true) {
    throw new TypeError('a did:key instance issues general credentials only: set allowGeneralCredentials');
  }
  if (input.keyType !== undefined && (input.didMethod !== 'key' || !ISSUER_KEY_TYPES.includes(input.keyType))) {
    throw new TypeError(`keyType is for did:key instances, one of ${ISSUER_KEY_TYPES.join(', ')}`);
  }
}

/**
 * Adds a ministry: its did:web (`did:web:<host%3Aport>:<slug>`), its first
 * status lists and a P-256 signing key. Adding the same ministry again is a
 * no-op returning it.
 *
 * @throws {VneidError} MINISTRY_CONFLICT when the slug exists with another name, role or policy.
 * @throws {TypeError} for a malformed slug, name or role.
 */
export async function addMinistry(ctx: IssuerContext, input: AddMinistryInput): Promise<MinistryInfo> {
  checkInput(input);
  const allowGeneralCredentials = input.allowGeneralCredentials ?? false;
  const allowCallerCredentialStatus = input.allowCallerCredentialStatus ?? false;
  const pathSegments = ctx.baseUrl.pathname.split('/').filter(Boolean);
  const record: MinistryRecord = {
    slug: input.slug,
    did: didWebFromHost(ctx.baseUrl.host, ...pathSegments, input.slug),
    name: { vi: input.name.vi, en: input.name.en },
    role: input.role,
    allowGeneralCredentials,
    ...(allowCallerCredentialStatus ? { allowCallerCredentialStatus } : {}),
    createdAt: ctx.now().toISOString(),
    keys: [],
  };
  const didKey = input.didMethod === 'key';
  const keyType: KeyType = input.keyType ?? 'P-256';
  const existing = didKey ? await ctx.storage.getMinistry(input.slug) : undefined;
  if (didKey && !existing) {
    // The DID is the key: make it first (sealed in the key store before it is published).
    const pair = await generateKeyPair({ keyType });
    await ctx.keyStore.put(pair.id, pair.export({ includeSecret: true }));
    record.did = pair.controller;
    // A first key: its window opens early by the tolerated skew (key-windows.ts).
    const validFrom = firstKeyValidFrom(ctx.now().getTime());
    record.keys = [{ id: pair.id, keyType, publicKeyMultibase: pair.publicKeyMultibase, validFrom }];
  }
  // Insert-if-absent in the storage: two replicas adding the same ministry get one.
  const { record: stored, created } = existing
    ? { record: existing, created: false }
    : await ctx.storage.addMinistry(record, initialLists(input.slug, allocationPolicy(ctx)), {
        event: 'ministry-added',
        data: { ministry: input.slug, did: record.did, role: record.role },
      });
  // Its first lists belong in the next index this process serves.
  if (created) ctx.statusListsChanged?.();
  if (!created) {
    const same =
      stored.name.vi === input.name.vi &&
      stored.name.en === input.name.en &&
      stored.role === input.role &&
      stored.allowGeneralCredentials === allowGeneralCredentials &&
      (stored.allowCallerCredentialStatus ?? false) === allowCallerCredentialStatus &&
      stored.did.startsWith('did:key:') === didKey &&
      (!didKey || stored.keys[0]?.keyType === keyType);
    if (!same) {
      throw new VneidError('MINISTRY_CONFLICT', `ministry ${input.slug} exists with a different definition`, {
        details: { ministry: input.slug },
      });
    }
  }
  // Also completes a ministry whose first key was lost to a crash right after it was added.
  if (!didKey) await createKey(ctx, input.slug, 'P-256', { onlyIfMissing: true });
  return ministryInfo(await loadMinistry(ctx, input.slug));
}
