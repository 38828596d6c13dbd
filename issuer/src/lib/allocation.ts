import { randomInt } from 'node:crypto';
import type { StatusPurpose } from '@vneid/core';
import { currentListKey, type IssuerContext, type ListState } from './context.js';
import { entries, type Op } from './db.js';
import type { StatusListMeta, StatusSlot } from './types.js';

export const PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];

export function allocKey(listId: string, index: number): string {
  return `${listId}!${String(index).padStart(10, '0')}`;
}

function isSet(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

function set(bitmap: Uint8Array, index: number): void {
  bitmap[index >> 3] = (bitmap[index >> 3] ?? 0) | (0x80 >> (index & 7));
}

function newList(ctx: IssuerContext, slug: string, purpose: StatusPurpose, seq: number): ListState {
  const meta: StatusListMeta = {
    listId: `${slug}-${purpose}-${seq}`,
    ministry: slug,
    purpose,
    seq,
    length: ctx.statusListLength,
    createdAt: ctx.now().toISOString(),
  };
  return { meta, bitmap: new Uint8Array(meta.length / 8), allocated: 0 };
}

/**
 * Opens the first list of each purpose for a new ministry, and the standby
 * list after it, so that the trust bundle names both before anything is
 * issued: when the first fills, credentials move to a list verifiers already
 * sync (else their status would be `unknown` until a new bundle). Inside the mutex.
 */
export function initialListOps(ctx: IssuerContext, slug: string): { ops: Op[]; after: () => void } {
  const states = PURPOSES.flatMap((purpose) => [newList(ctx, slug, purpose, 1), newList(ctx, slug, purpose, 2)]);
  return {
    ops: states.map((s) => ({ type: 'put', sublevel: ctx.db.lists, key: s.meta.listId, value: s.meta })),
    after: () => {
      for (const s of states) {
        ctx.lists.set(s.meta.listId, s);
        if (s.meta.seq === 1) ctx.currentList.set(currentListKey(slug, s.meta.purpose), s.meta.listId);
      }
    },
  };
}

/**
 * Reserves one random, never-used index in the ministry's current list of
 * each purpose. Indexes are drawn uniformly (crypto.randomInt) so that they
 * reveal neither issuance order nor volume; a list past the fill threshold is
 * closed and a new one opened, which keeps the rejection sampling short. The
 * reservation is in memory; `ops` persist it with the issuance record.
 * If that batch fails, the bit stays set here (this process never hands the
 * index out again) and the writer stops; a reopen rebuilds the bitmap from
 * disk, where an index is set exactly when a record holding it may have been
 * acknowledged. Inside the mutex.
 */
export function reserveSlots(
  ctx: IssuerContext,
  slug: string,
): { slots: { revocation: StatusSlot; suspension: StatusSlot }; ops: Op[] } {
  const ops: Op[] = [];
  const slots: Partial<Record<StatusPurpose, StatusSlot>> = {};
  for (const purpose of PURPOSES) {
    const key = currentListKey(slug, purpose);
    let state = ctx.lists.get(ctx.currentList.get(key) ?? '');
    if (!state || state.allocated >= ctx.maxAllocationsPerList) {
      // Move to the standby list (already published) and open the next standby.
      const seq = (state?.meta.seq ?? 0) + 1;
      state = ctx.lists.get(`${slug}-${purpose}-${seq}`) ?? newList(ctx, slug, purpose, seq);
      ctx.lists.set(state.meta.listId, state);
      ctx.currentList.set(key, state.meta.listId);
      const standby = ctx.lists.get(`${slug}-${purpose}-${seq + 1}`) ?? newList(ctx, slug, purpose, seq + 1);
      ctx.lists.set(standby.meta.listId, standby);
      ops.push({ type: 'put', sublevel: ctx.db.lists, key: standby.meta.listId, value: standby.meta });
    }
    // Written again with every reservation: idempotent, and it makes a new
    // list durable in the same batch as the first record that uses it.
    ops.push({ type: 'put', sublevel: ctx.db.lists, key: state.meta.listId, value: state.meta });
    let index: number;
    do index = randomInt(state.meta.length);
    while (isSet(state.bitmap, index));
    set(state.bitmap, index);
    state.allocated += 1;
    ops.push({ type: 'put', sublevel: ctx.db.alloc, key: allocKey(state.meta.listId, index), value: true });
    slots[purpose] = { listId: state.meta.listId, index };
  }
  return { slots: slots as { revocation: StatusSlot; suspension: StatusSlot }, ops };
}

/** Rebuilds lists and allocation bitmaps from the database. */
export async function loadLists(ctx: IssuerContext): Promise<void> {
  for (const [, meta] of await entries<StatusListMeta>(ctx.db.lists)) {
    ctx.lists.set(meta.listId, { meta, bitmap: new Uint8Array(meta.length / 8), allocated: 0 });
  }
  for await (const key of ctx.db.alloc.keys()) {
    const bang = key.lastIndexOf('!');
    const state = ctx.lists.get(key.slice(0, bang));
    if (!state) continue;
    const index = Number(key.slice(bang + 1));
    if (!isSet(state.bitmap, index)) {
      set(state.bitmap, index);
      state.allocated += 1;
    }
  }
  // The current list is the lowest one with room; later ones are standby.
  // When every list is full, the highest one: the next reservation opens a new one.
  const bySeq = [...ctx.lists.values()].sort((a, b) => a.meta.seq - b.meta.seq);
  const highest = new Map<string, string>();
  for (const state of bySeq) {
    const key = currentListKey(state.meta.ministry, state.meta.purpose);
    highest.set(key, state.meta.listId);
    if (!ctx.currentList.has(key) && state.allocated < ctx.maxAllocationsPerList) {
      ctx.currentList.set(key, state.meta.listId);
    }
  }
  for (const [key, listId] of highest) if (!ctx.currentList.has(key)) ctx.currentList.set(key, listId);
}
