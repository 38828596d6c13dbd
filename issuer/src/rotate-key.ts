import type { KeyType } from '@vneid/core';
import { VneidError } from '@vneid/core';
import type { IssuerContext } from './lib/context.js';
import { normaliseDate } from './lib/issue-core.js';
import { createKey, ISSUER_KEY_TYPES } from './lib/keys.js';
import type { KeyRecord } from './lib/types.js';

/** Options of {@link rotateKey}. */
export interface RotateKeyOptions {
  /**
   * When the new key takes over signing (an ISO 8601 date-time or a Date, now
   * or later; rounded up to the whole second). Until then the previous key
   * keeps signing and the new one is only published. Default: now.
   */
  activateAt?: string | Date;
}

/**
 * Creates a new signing key of `keyType` (default P-256) for a ministry.
 * The key is published at once (DID document, {@link trustBundleIssuers})
 * and signs what is dated from its activation on; the previous key of that
 * type signs until then and stays published, with its window ending shortly
 * after (see lib/key-windows.ts), so that what it signed keeps verifying.
 * Every replica sees the rotation: signing reads the ministry's keys from
 * the storage, and an issuance whose key lost its turn while it signed is
 * refused. With no previous key of that type there is nothing to stage: the
 * first key signs at once whatever `activateAt` says.
 *
 * Immediate or staged — the trade-off: verifiers trust only the keys in the
 * trust bundle they hold. After an immediate rotation (the default) every
 * new credential and every re-signed status list carries a key no
 * distributed bundle names, so verifiers refuse the new credentials and
 * stop receiving revocations until the trust anchor signs and distributes
 * a bundle with the new key. A staged rotation (`activateAt` far enough
 * ahead for that distribution) avoids the gap: publish, sign a bundle,
 * distribute, then the key takes over. Rotate immediately when the old key
 * is compromised: the old key must stop signing now, and the trust anchor
 * marks it `compromisedSince` in the next bundle anyway, which refuses
 * everything it signed. A later rotation overrides a staged one that has
 * not activated yet (that key is withdrawn and no longer published).
 *
 * @example
 * const key = await issuer.rotateKey('bo-cong-an'); // key.id === 'did:web:…:bo-cong-an#key-2', signs now
 * const next = await issuer.rotateKey('bo-cong-an', 'P-256', { activateAt: '2026-07-01T00:00:00Z' });
 * @throws {VneidError} UNKNOWN_MINISTRY
 * @throws {VneidError} MALFORMED_VALUE_ERROR when `activateAt` is not an ISO 8601 date-time (or a valid Date).
 * @throws {VneidError} KEY_ACTIVATION_INVALID when `activateAt` is in the past.
 * @throws {TypeError} for a key type other than P-256, Ed25519 or P-384 (ecdsa-rdfc-2019 with SHA-384).
 */
export async function rotateKey(
  ctx: IssuerContext,
  slug: string,
  keyType: KeyType = 'P-256',
  options: RotateKeyOptions = {},
): Promise<KeyRecord> {
  if (!ISSUER_KEY_TYPES.includes(keyType)) throw new TypeError(`keyType must be one of ${ISSUER_KEY_TYPES.join(', ')}`);
  const activateAt = activationTime(ctx, options?.activateAt);
  if (typeof slug !== 'string' || (await ctx.storage.getMinistry(slug)) === undefined) {
    throw new VneidError('UNKNOWN_MINISTRY', `no ministry ${String(slug).slice(0, 64)}`, {
      details: { ministry: String(slug).slice(0, 64) },
    });
  }
  return createKey(ctx, slug, keyType, activateAt === undefined ? {} : { activateAt });
}

function activationTime(ctx: IssuerContext, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = value instanceof Date ? (Number.isNaN(value.getTime()) ? String(value) : value.toISOString()) : value;
  normaliseDate(text, 'activateAt'); // MALFORMED_VALUE_ERROR unless an ISO 8601 date-time
  const at = Date.parse(text as string);
  const now = ctx.now();
  if (at < now.getTime()) {
    throw new VneidError('KEY_ACTIVATION_INVALID', `activateAt ${new Date(at).toISOString()} is in the past`, {
      details: { pointer: '/activateAt', activateAt: new Date(at).toISOString(), now: now.toISOString() },
    });
  }
  return at;
}
