import {
  type CryptosuiteName,
  generateKeyPair,
  importKeyPair,
  KEY_TYPE_OF_SUITE,
  KEY_TYPES_OF_SUITE,
  type KeyPair,
  type KeyType,
  VneidError,
} from '@vneid/core';
import type { IssuerContext } from './context.js';
import type { KeyRecord, MinistryRecord } from './types.js';

function unknownMinistry(slug: unknown): VneidError {
  return new VneidError('UNKNOWN_MINISTRY', `no ministry ${String(slug).slice(0, 64)}`, {
    details: { ministry: String(slug).slice(0, 64) },
  });
}

/** The ministry from the storage's cache, or UNKNOWN_MINISTRY. */
export function requireMinistry(ctx: IssuerContext, slug: unknown): MinistryRecord {
  const ministry = typeof slug === 'string' ? ctx.storage.ministries().find((m) => m.slug === slug) : undefined;
  if (!ministry) throw unknownMinistry(slug);
  return ministry;
}

/** The ministry as stored now (another replica may have changed its keys), or UNKNOWN_MINISTRY. */
export async function loadMinistry(ctx: IssuerContext, slug: unknown): Promise<MinistryRecord> {
  const ministry = typeof slug === 'string' ? await ctx.storage.getMinistry(slug) : undefined;
  if (!ministry) throw unknownMinistry(slug);
  return ministry;
}

/** Key types a ministry can sign with. */
export const ISSUER_KEY_TYPES: readonly KeyType[] = ['P-256', 'Ed25519', 'P-384'];

/**
 * The key type that signs `suite` for a ministry: the caller's choice when it
 * fits the suite (ecdsa-rdfc-2019 signs with P-256 or P-384), a did:key
 * instance's one key, else the suite's default.
 *
 * @throws {VneidError} INVALID_KEY when the choice, or a did:key instance's key, does not fit the suite.
 */
export function keyTypeFor(ministry: MinistryRecord, suite: CryptosuiteName, requested?: unknown): KeyType {
  const accepted = KEY_TYPES_OF_SUITE[suite];
  const own = ministry.did.startsWith('did:key:') ? ministry.keys[0]?.keyType : undefined;
  const chosen = requested ?? own ?? KEY_TYPE_OF_SUITE[suite];
  if (!accepted.includes(chosen as KeyType) || (own !== undefined && chosen !== own)) {
    throw new VneidError(
      'INVALID_KEY',
      `${suite} cannot sign with ${own ? `this did:key's ${own}` : 'that'} key type`,
      {
        details: { field: 'keyType', suite, keyType: typeof chosen === 'string' ? chosen.slice(0, 20) : typeof chosen },
      },
    );
  }
  return chosen as KeyType;
}

/** The key of `keyType` that signs now: the newest one without a `validUntil`. */
export function activeKeyRecord(ministry: MinistryRecord, keyType: KeyType): KeyRecord | undefined {
  return ministry.keys.find((k) => k.keyType === keyType && k.validUntil === undefined);
}

/**
 * Creates a key of `keyType` for a ministry and makes it the signing key of
 * that type; the previous one is retired (`validUntil` = now) but stays
 * published so that credentials it signed keep verifying. The ministry is
 * locked in the storage meanwhile, so two replicas never pick the same key
 * id. With `onlyIfMissing`, an active key of that type (made meanwhile by
 * another replica) is kept instead.
 */
export async function createKey(
  ctx: IssuerContext,
  slug: string,
  keyType: KeyType,
  onlyIfMissing = false,
): Promise<KeyRecord> {
  let created: { record: KeyRecord; pair: KeyPair; retired?: string } | undefined;
  const updated = await ctx.storage.updateMinistry(slug, async (ministry) => {
    created = undefined;
    const previous = activeKeyRecord(ministry, keyType);
    if (onlyIfMissing && previous) return undefined;
    if (ministry.did.startsWith('did:key:')) {
      // A did:key is its one key: another key would be another issuer.
      const own = ministry.keys[0]?.keyType;
      throw new VneidError(
        'INVALID_KEY',
        `${slug} is a did:key instance: it has one ${own} key and cannot get another`,
        {
          details: { ministry: slug, keyType },
        },
      );
    }
    // Data Integrity `created` has whole seconds: a key window in milliseconds
    // would put a proof made in its first second before the window opened.
    const nowMs = ctx.now().getTime();
    const now = wholeSeconds(Math.floor(nowMs / 1000));
    const retiredAt = wholeSeconds(Math.ceil(nowMs / 1000));
    const id = `${ministry.did}#key-${ministry.keys.length + 1}`;
    const pair = await generateKeyPair({ keyType, controller: ministry.did, id });
    // The secret goes to the encrypted store first: a crash between the two
    // writes leaves an unused sealed key, never a published key without its secret.
    await ctx.keyStore.put(id, pair.export({ includeSecret: true }));
    const record: KeyRecord = { id, keyType, publicKeyMultibase: pair.publicKeyMultibase, validFrom: now };
    const keys = ministry.keys.map((k) => (k === previous ? { ...k, validUntil: retiredAt } : k));
    keys.push(record);
    created = { record, pair, ...(previous ? { retired: previous.id } : {}) };
    return {
      record: { ...ministry, keys },
      audit: {
        event: previous ? 'key-rotated' : 'key-created',
        data: { ministry: slug, keyId: id, keyType, ...(previous ? { retiredKeyId: previous.id } : {}) },
      },
    };
  });
  if (!created) return activeKeyRecord(updated, keyType) as KeyRecord;
  if (created.retired) ctx.keyCache.delete(created.retired);
  ctx.keyCache.set(created.record.id, created.pair);
  return created.record;
}

/**
 * The live signing key of `keyType` for a ministry as stored now, creating
 * one when the ministry has none of that type yet (an Ed25519 key on the
 * first eddsa-rdfc-2022 request). A key rotated by another replica is seen here.
 *
 * @throws {VneidError} KEY_RETIRED if the stored key has been retired meanwhile.
 */
export async function signingKey(ctx: IssuerContext, slug: string, keyType: KeyType): Promise<KeyPair> {
  let ministry = await loadMinistry(ctx, slug);
  let record = activeKeyRecord(ministry, keyType);
  if (!record) {
    record = await createKey(ctx, slug, keyType, true);
    ministry = await loadMinistry(ctx, slug);
  }
  return loadSigningKey(ctx, ministry, record.id);
}

/** Decrypts (once) and returns a key that may still sign. */
export async function loadSigningKey(ctx: IssuerContext, ministry: MinistryRecord, keyId: string): Promise<KeyPair> {
  const record = ministry.keys.find((k) => k.id === keyId);
  // Defence in depth: whatever path asks, a retired key never signs again.
  if (!record || record.validUntil !== undefined) {
    throw new VneidError('KEY_RETIRED', `key ${keyId.slice(0, 120)} is retired and cannot sign`, {
      details: { keyId: keyId.slice(0, 120) },
    });
  }
  const cached = ctx.keyCache.get(keyId);
  if (cached) return cached;
  const exported = await ctx.keyStore.get(keyId);
  if (!exported?.secretKeyMultibase) {
    throw new VneidError('KEYSTORE_LOCKED', `secret of key ${keyId.slice(0, 120)} is not in the key store`);
  }
  const pair = await importKeyPair(exported);
  ctx.keyCache.set(keyId, pair);
  return pair;
}

function wholeSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
