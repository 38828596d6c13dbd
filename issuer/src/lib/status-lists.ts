import { createStatusList, createStatusListCredential, type JsonObject, signCredential, VneidError } from '@vneid/core';
import { type IssuerContext, statusListUrl } from './context.js';
import { entries } from './db.js';
import { signingKeyLocked } from './keys.js';
import { issuerLoader } from './loader.js';

/** A signed status list credential as stored. */
export interface SignedList {
  credential: JsonObject;
  signedAt: string;
  validUntil: string;
}

export function requireList(ctx: IssuerContext, listId: unknown) {
  const state = typeof listId === 'string' ? ctx.lists.get(listId) : undefined;
  if (!state) {
    throw new VneidError('UNKNOWN_STATUS_LIST', `no status list ${String(listId).slice(0, 80)}`, {
      details: { listId: String(listId).slice(0, 80) },
    });
  }
  return state;
}

/**
 * Rebuilds the bitstring of a list from its set bits and signs a fresh
 * BitstringStatusListCredential with the ministry's current P-256 key
 * (ecdsa-rdfc-2019: verifiers need the whole list, so no selective
 * disclosure). Its short validUntil bounds how long a stale copy can be
 * replayed to hide a revocation. Inside the mutex.
 */
export async function signListLocked(ctx: IssuerContext, listId: string): Promise<SignedList> {
  const state = requireList(ctx, listId);
  const list = createStatusList(state.meta.length);
  for (const [key] of await entries(ctx.db.bits, { gte: `${listId}!`, lt: `${listId}!\uffff` })) {
    list.setStatus(Number(key.slice(listId.length + 1)), true);
  }
  const ministry = ctx.ministries.get(state.meta.ministry);
  if (!ministry) throw new VneidError('UNKNOWN_MINISTRY', 'status list has no ministry');
  // Verifiers keep the newest list and refuse an older or same-dated other
  // one (rollback). Two changes in one second must therefore give two
  // distinct, increasing dates: milliseconds, at least 1 ms after the last.
  const previous = await ctx.db.signedLists.get(listId);
  const after = previous ? Date.parse(previous.signedAt) + 1 : 0;
  const validFrom = new Date(Math.max(ctx.now().getTime(), after));
  const validUntil = new Date(validFrom.getTime() + ctx.statusListValidity * 1000);
  const unsigned = await createStatusListCredential({
    id: statusListUrl(ctx, listId),
    issuer: ministry.did,
    statusPurpose: state.meta.purpose,
    list,
    validFrom,
    validUntil,
  });
  const key = await signingKeyLocked(ctx, ministry.slug, 'P-256');
  const credential = await signCredential({
    credential: unsigned,
    key,
    cryptosuite: 'ecdsa-rdfc-2019',
    documentLoader: issuerLoader(ctx),
    now: validFrom,
  });
  const signed: SignedList = { credential, signedAt: validFrom.toISOString(), validUntil: validUntil.toISOString() };
  await ctx.db.signedLists.put(listId, signed, { sync: true });
  return signed;
}

/** The current signed list, re-signed when missing or older than the refresh period (default half its validity). */
export async function currentSignedList(ctx: IssuerContext, listId: string): Promise<SignedList> {
  requireList(ctx, listId);
  const fresh = (s: SignedList | undefined): s is SignedList => {
    if (!s) return false;
    const refresh = Math.min(ctx.statusListRefresh * 1000, Date.parse(s.validUntil) - Date.parse(s.signedAt));
    return ctx.now().getTime() < Date.parse(s.signedAt) + refresh;
  };
  const stored = (await ctx.db.signedLists.get(listId)) as SignedList | undefined;
  if (fresh(stored)) return stored;
  return ctx.lock(async () => {
    const again = (await ctx.db.signedLists.get(listId)) as SignedList | undefined;
    return fresh(again) ? again : signListLocked(ctx, listId);
  });
}
