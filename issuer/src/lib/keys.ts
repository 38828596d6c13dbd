import { generateKeyPair, importKeyPair, type KeyPair, type KeyType, VneidError } from '@vneid/core';
import { auditOps } from './audit.js';
import type { IssuerContext } from './context.js';
import { commit } from './db.js';
import type { KeyRecord, MinistryRecord } from './types.js';

export function requireMinistry(ctx: IssuerContext, slug: unknown): MinistryRecord {
  const ministry = typeof slug === 'string' ? ctx.ministries.get(slug) : undefined;
  if (!ministry) {
    throw new VneidError('UNKNOWN_MINISTRY', `no ministry ${String(slug).slice(0, 64)}`, {
      details: { ministry: String(slug).slice(0, 64) },
    });
  }
  return ministry;
}

/** The key of `keyType` that signs now: the newest one without a `validUntil`. */
export function activeKeyRecord(ministry: MinistryRecord, keyType: KeyType): KeyRecord | undefined {
  return ministry.keys.find((k) => k.keyType === keyType && k.validUntil === undefined);
}

/**
 * Creates a key of `keyType` for a ministry and makes it the signing key of
 * that type; the previous one is retired (`validUntil` = now) but stays
 * published so that credentials it signed keep verifying. Call inside the mutex.
 */
export async function createKeyLocked(ctx: IssuerContext, slug: string, keyType: KeyType): Promise<KeyRecord> {
  const ministry = requireMinistry(ctx, slug);
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
  const previous = activeKeyRecord(ministry, keyType);
  const record: KeyRecord = { id, keyType, publicKeyMultibase: pair.publicKeyMultibase, validFrom: now };
  const keys = ministry.keys.map((k) => (k === previous ? { ...k, validUntil: retiredAt } : k));
  keys.push(record);
  const updated: MinistryRecord = { ...ministry, keys };
  const audit = auditOps(ctx, previous ? 'key-rotated' : 'key-created', {
    ministry: slug,
    keyId: id,
    keyType,
    ...(previous ? { retiredKeyId: previous.id } : {}),
  });
  await commit(ctx.db, [{ type: 'put', sublevel: ctx.db.ministries, key: slug, value: updated }, ...audit.ops]);
  audit.after();
  ctx.ministries.set(slug, updated);
  if (previous) ctx.keyCache.delete(previous.id);
  ctx.keyCache.set(id, pair);
  return record;
}

/**
 * The live signing key of `keyType` for a ministry, creating one when the
 * ministry has none of that type yet (an Ed25519 key on the first
 * eddsa-rdfc-2022 request). Call inside the mutex.
 *
 * @throws {VneidError} KEY_RETIRED if the stored key has been retired meanwhile.
 */
export async function signingKeyLocked(ctx: IssuerContext, slug: string, keyType: KeyType): Promise<KeyPair> {
  const ministry = requireMinistry(ctx, slug);
  let record = activeKeyRecord(ministry, keyType);
  if (!record) record = await createKeyLocked(ctx, slug, keyType);
  return loadSigningKey(ctx, slug, record.id);
}

/** Decrypts (once) and returns a key that may still sign. */
export async function loadSigningKey(ctx: IssuerContext, slug: string, keyId: string): Promise<KeyPair> {
  const ministry = requireMinistry(ctx, slug);
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
