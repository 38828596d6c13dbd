import { createStatusList, createStatusListCredential, signCredential, VneidError } from '@vneid/core';
import type { SignedList } from '../storage/contract.js';
import { MAX_PUBLISH_SKEW_MS } from './clock-skew.js';
import { type IssuerContext, statusListUrl } from './context.js';
import { keyTypeFor, requireMinistry, signingKey } from './keys.js';
import { issuerLoader } from './loader.js';

export type { SignedList };

// Concurrent publications of one list (several replicas, or a change racing a read) retry this often at most.
const PUBLISH_ATTEMPTS = 8;

/**
 * How far ahead of this replica's clock the last published copy may be
 * dated and still be followed (at +1 ms). New copies must be dated after the
 * last one (verifiers refuse an older or same-dated list as a rollback), so
 * one publication by a clock stepped a day ahead would otherwise date every
 * later copy a day ahead, and verifiers (5 minutes of future tolerance)
 * would refuse them all: revocations would silently stop propagating. Beyond
 * this skew we refuse to publish (STATUS_LIST_CLOCK_SKEW, 503 with
 * Retry-After, counted in vneid_status_list_clock_skew_total, alert
 * VneidStatusListClockSkew) rather than publish a list no verifier accepts;
 * the held copy stays served until it is stale, and verifiers then report
 * status unknown (fail closed). 60 s covers ordinary drift between replicas.
 */
export { MAX_PUBLISH_SKEW_MS };

export async function requireList(ctx: IssuerContext, listId: unknown) {
  const meta = typeof listId === 'string' ? await ctx.storage.getStatusList(listId) : undefined;
  if (!meta) {
    throw new VneidError('UNKNOWN_STATUS_LIST', `no status list ${String(listId).slice(0, 80)}`, {
      details: { listId: String(listId).slice(0, 80) },
    });
  }
  return meta;
}

/**
 * Builds the bitstring of a list from the database's set bits and signs a
 * fresh BitstringStatusListCredential with the ministry's P-256 key whose
 * turn it is at the list's validFrom (ecdsa-rdfc-2019: verifiers need the whole list, so no selective
 * disclosure). Its short validUntil bounds how long a stale copy can be
 * replayed to hide a revocation.
 *
 * The copy is stored only if no status change of the list came after the
 * bits were read and it is dated after every copy stored before (the
 * storage checks both in one step); otherwise it is rebuilt. So validFrom
 * increases across replicas and no replica publishes a newer list that
 * lacks a change another replica acknowledged.
 */
export async function publishList(ctx: IssuerContext, listId: string): Promise<SignedList> {
  const meta = await requireList(ctx, listId);
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    const before = await ctx.storage.publishedList(listId);
    const { version, indexes } = await ctx.storage.listBits(listId);
    // Someone else published this state meanwhile.
    if (before.signed && before.publishedVersion === version && attempt > 0) return before.signed;
    const list = createStatusList(meta.length);
    for (const index of indexes) list.setStatus(index, true);
    const ministry = requireMinistry(ctx, meta.ministry);
    // Verifiers keep the newest list and refuse an older or same-dated other
    // one (rollback). Two changes in one second must therefore give two
    // distinct, increasing dates: milliseconds, at least 1 ms after the last.
    const after = before.signed ? Date.parse(before.signed.signedAt) + 1 : 0;
    const now = ctx.now().getTime();
    if (after - 1 > now + MAX_PUBLISH_SKEW_MS) {
      const aheadSeconds = Math.ceil((after - 1 - now) / 1000);
      throw new VneidError(
        'STATUS_LIST_CLOCK_SKEW',
        `the last copy of status list ${listId.slice(0, 80)} is dated ${aheadSeconds} s ahead of this clock: a copy dated after it would be refused by verifiers; check the clocks of the replicas`,
        { details: { listId: listId.slice(0, 80), signedAt: before.signed!.signedAt, aheadSeconds, retryAfter: 60 } },
      );
    }
    const validFrom = new Date(Math.max(now, after));
    const validUntil = new Date(validFrom.getTime() + ctx.statusListValidity * 1000);
    const unsigned = await createStatusListCredential({
      id: statusListUrl(ctx, listId),
      issuer: ministry.did,
      statusPurpose: meta.purpose,
      list,
      validFrom,
      validUntil,
    });
    // A did:key instance signs its lists with its one key (Ed25519: eddsa-rdfc-2022).
    const own = ministry.did.startsWith('did:key:') ? ministry.keys[0]?.keyType : undefined;
    const cryptosuite = own === 'Ed25519' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019';
    // The key whose turn it is at the list's date, not at this clock's now (key-windows.ts).
    const key = await signingKey(ctx, ministry.slug, keyTypeFor(ministry, cryptosuite), validFrom.getTime());
    const credential = await signCredential({
      credential: unsigned,
      key,
      cryptosuite,
      documentLoader: issuerLoader(ctx),
      now: validFrom,
    });
    const signed: SignedList = { credential, signedAt: validFrom.toISOString(), validUntil: validUntil.toISOString() };
    if (await ctx.storage.publishList(listId, signed, version)) return signed;
  }
  throw new VneidError('STORAGE_UNAVAILABLE', 'the status list changes too often to be published now; retry', {
    details: { listId: listId.slice(0, 80), retryAfter: 1 },
  });
}

/**
 * The current signed list: the stored copy when it holds every status
 * change made so far (by any replica) and is younger than the refresh period (default half its validity);
 * otherwise a fresh one built from the database's bits.
 */
export async function currentSignedList(ctx: IssuerContext, listId: string): Promise<SignedList> {
  await requireList(ctx, listId);
  const state = await ctx.storage.publishedList(listId);
  const s = state.signed;
  if (s && state.publishedVersion === state.version) {
    const refresh = Math.min(ctx.statusListRefresh * 1000, Date.parse(s.validUntil) - Date.parse(s.signedAt));
    if (ctx.now().getTime() < Date.parse(s.signedAt) + refresh) return s;
  }
  return publishList(ctx, listId);
}
