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
import { firstKeyValidFrom, keysAfterRotation, signingKeyAt, wholeSeconds } from './key-windows.js';
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

/**
 * The newest key of `keyType` without an end: the one that signs now or, after
 * a staged rotation, will sign from its `validFrom`. Undefined when the
 * ministry has no key of that type yet.
 */
export function activeKeyRecord(ministry: MinistryRecord, keyType: KeyType): KeyRecord | undefined {
  return ministry.keys.findLast((k) => k.keyType === keyType && k.validUntil === undefined);
}

/** Options of {@link createKey}. */
export interface CreateKeyOptions {
  /** Keep an active key of that type (made meanwhile by another replica) instead of rotating it. */
  onlyIfMissing?: boolean;
  /** When the new key takes over signing (ms; checked by the caller to be now or later). Default: now. */
  activateAt?: number;
}

/**
 * Creates a key of `keyType` for a ministry; it signs what is dated from its
 * `validFrom` (now, or `activateAt`) on. The previous keys of that type get
 * their ends (see key-windows.ts for the rule) but stay published, so that
 * what they signed keeps verifying. The ministry is locked in the storage
 * meanwhile, so two replicas never pick the same key id.
 */
export async function createKey(
  ctx: IssuerContext,
  slug: string,
  keyType: KeyType,
  options: CreateKeyOptions = {},
): Promise<KeyRecord> {
  let created: { record: KeyRecord; pair: KeyPair } | undefined;
  const updated = await ctx.storage.updateMinistry(slug, async (ministry) => {
    created = undefined;
    const previous = activeKeyRecord(ministry, keyType);
    if (options.onlyIfMissing && previous) return undefined;
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
    // The windows: see the rule in key-windows.ts.
    const nowMs = ctx.now().getTime();
    const first = !ministry.keys.some((k) => k.keyType === keyType);
    const validFrom = first
      ? firstKeyValidFrom(nowMs)
      : options.activateAt === undefined
        ? wholeSeconds(nowMs, 'floor')
        : wholeSeconds(options.activateAt, 'ceil');
    const id = `${ministry.did}#key-${ministry.keys.length + 1}`;
    const pair = await generateKeyPair({ keyType, controller: ministry.did, id });
    // The secret goes to the encrypted store first: a crash between the two
    // writes leaves an unused sealed key, never a published key without its secret.
    await ctx.keyStore.put(id, pair.export({ includeSecret: true }));
    const record: KeyRecord = { id, keyType, publicKeyMultibase: pair.publicKeyMultibase, validFrom };
    created = { record, pair };
    return {
      record: { ...ministry, keys: keysAfterRotation(ministry.keys, record) },
      audit: {
        event: previous ? 'key-rotated' : 'key-created',
        data: {
          ministry: slug,
          keyId: id,
          keyType,
          ...(previous ? { retiredKeyId: previous.id } : {}),
          ...(options.activateAt === undefined || first ? {} : { activateAt: validFrom }),
        },
      },
    };
  });
  if (!created) return activeKeyRecord(updated, keyType) as KeyRecord;
  ctx.keyCache.set(created.record.id, created.pair);
  return created.record;
}

/**
 * The key of `keyType` that signs what a ministry dates `at` (ms), as stored
 * now, creating one when the ministry has none of that type yet (an Ed25519
 * key on the first eddsa-rdfc-2022 request). A key rotated by another
 * replica is seen here. Callers fix the date they stamp first, then ask.
 *
 * @throws {VneidError} KEY_RETIRED when no key of that type is valid at `at` (a clock far behind the others).
 */
export async function signingKey(ctx: IssuerContext, slug: string, keyType: KeyType, at: number): Promise<KeyPair> {
  let ministry = await loadMinistry(ctx, slug);
  if (!activeKeyRecord(ministry, keyType)) {
    await createKey(ctx, slug, keyType, { onlyIfMissing: true });
    ministry = await loadMinistry(ctx, slug);
  }
  const record = signingKeyAt(ministry, keyType, at);
  if (!record) throw notValidAt({ keyType }, at);
  return loadSigningKey(ctx, ministry, record.id, at);
}

function notValidAt(which: { keyType: string } | { keyId: string }, at: number): VneidError {
  const when = new Date(at).toISOString();
  const [message, details] =
    'keyId' in which
      ? [`key ${which.keyId.slice(0, 120)} may not sign`, { keyId: which.keyId.slice(0, 120) }]
      : [`no ${which.keyType} key may sign`, which];
  return new VneidError('KEY_RETIRED', `${message} what is dated ${when}`, { details: { ...details, at: when } });
}

/** Decrypts (once) and returns a key, if it is the one that signs what is dated `at`. */
export async function loadSigningKey(
  ctx: IssuerContext,
  ministry: MinistryRecord,
  keyId: string,
  at: number,
): Promise<KeyPair> {
  const record = ministry.keys.find((k) => k.id === keyId);
  // Defence in depth: whatever path asks, a key signs only inside its turn.
  if (!record || signingKeyAt(ministry, record.keyType, at)?.id !== keyId) throw notValidAt({ keyId }, at);
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
