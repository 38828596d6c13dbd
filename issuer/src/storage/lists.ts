import type { StatusPurpose } from '@vneid/core';
import type { StatusListMeta } from '../lib/types.js';
import type { AllocationPolicy } from './contract.js';

export const PURPOSES: readonly StatusPurpose[] = ['revocation', 'suspension'];

/** A ministry's `seq`-th list of `purpose`: its id is `<slug>-<purpose>-<seq>` on every engine. */
export function statusListMeta(
  slug: string,
  purpose: StatusPurpose,
  seq: number,
  policy: Pick<AllocationPolicy, 'length' | 'now'>,
): StatusListMeta {
  return {
    listId: `${slug}-${purpose}-${seq}`,
    ministry: slug,
    purpose,
    seq,
    length: policy.length,
    createdAt: policy.now().toISOString(),
  };
}

/**
 * Allocations after which `list` is closed: the configured cap, and never
 * more than half the list's own stored length. Random allocation needs free
 * room (past half, draws collide often; at the length they never end), and a
 * list opened under a shorter `statusListLength` keeps its length when the
 * setting is raised: without this bound, the cap that came with the longer
 * length would reopen the old full lists and fill them to the last index.
 */
export function effectiveCap(list: Pick<StatusListMeta, 'length'>, maxAllocationsPerList: number): number {
  return Math.min(maxAllocationsPerList, Math.floor(list.length / 2));
}

/**
 * The first list of each purpose for a new ministry, and the standby list
 * after it, so that the trust bundle names both before anything is issued:
 * when the first fills, credentials move to a list verifiers already sync.
 */
export function initialLists(slug: string, policy: Pick<AllocationPolicy, 'length' | 'now'>): StatusListMeta[] {
  return PURPOSES.flatMap((purpose) => [
    statusListMeta(slug, purpose, 1, policy),
    statusListMeta(slug, purpose, 2, policy),
  ]);
}
