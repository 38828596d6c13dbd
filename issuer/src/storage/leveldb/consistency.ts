import { VneidError } from '@vneid/core';
import type { AuditEntry, IssuanceRecord, StatusSlot } from '../../lib/types.js';
import type { AuditHead } from '../contract.js';
import type { IssuerDb } from './db.js';

/** Which start check found the store inconsistent (`details.check` of STORE_INCONSISTENT). */
export type ConsistencyCheck = 'audit-gap' | 'audit-tip' | 'exported-head' | 'audit-anchor' | 'allocations';

function inconsistent(check: ConsistencyCheck, message: string, details: Record<string, unknown> = {}): VneidError {
  return new VneidError(
    'STORE_INCONSISTENT',
    `the issuer store is inconsistent (${check}): ${message}. It may have lost acknowledged writes; restore it from a backup. Starting anyway could hand out a status index twice.`,
    { details: { check, ...details } },
  );
}

/**
 * Checks, before the LevelDB store serves anything, that its parts agree.
 * Every issuance, status change and key change is one batch holding its
 * records, allocations, audit entry and the audit head, so a lost batch
 * shows as one of:
 *
 * - a gap in the audit log: the entry count differs from the head's seq;
 * - a tip that is not the head: no entry at `head.seq`, a different hash, or an entry past it;
 * - a head behind the last exported one (`exported`, kept beside the folder, and `anchor`,
 *   the head the operator exported off the machine): the tail was lost;
 * - records and allocations that disagree: a record's status slot without its
 *   allocation, or an allocation no record uses (or in a list that does not exist).
 *
 * Reads keys and records once (the start already walks the allocations).
 *
 * @throws {VneidError} STORE_INCONSISTENT with `details.check`.
 */
export async function checkLevelDbConsistency(
  db: IssuerDb,
  head: AuditHead,
  allocations: ReadonlySet<string>,
  listIds: ReadonlySet<string>,
  allocKey: (listId: string, index: number) => string,
  exported: AuditHead | undefined,
  anchor?: AuditHead,
): Promise<void> {
  let count = 0;
  let lastKey: string | undefined;
  for await (const key of db.audit.keys()) {
    count += 1;
    lastKey = key;
  }
  if (count !== head.seq) {
    throw inconsistent('audit-gap', `${count} audit entries for a head at seq ${head.seq}`, {
      entries: count,
      headSeq: head.seq,
    });
  }
  if (head.seq > 0) {
    const tip = (await db.audit.get(String(head.seq).padStart(16, '0'))) as AuditEntry | undefined;
    if (!tip || tip.hash !== head.hash || lastKey !== String(head.seq).padStart(16, '0')) {
      throw inconsistent('audit-tip', `the last audit entry is not the head (seq ${head.seq})`, { headSeq: head.seq });
    }
  }
  for (const [check, pinned] of [
    ['exported-head', exported],
    ['audit-anchor', anchor],
  ] as const) {
    if (pinned && !(await reaches(db, head, pinned))) {
      throw inconsistent(check, `the audit head (seq ${head.seq}) is not at or past the last exported one`, {
        headSeq: head.seq,
        exportedSeq: Number.isInteger(pinned.seq) ? pinned.seq : null,
      });
    }
  }
  for (const key of allocations) {
    const listId = key.slice(0, key.lastIndexOf('!'));
    if (!listIds.has(listId))
      throw inconsistent('allocations', 'an allocation in a list that does not exist', { listId });
  }
  let used = 0;
  for await (const [, value] of db.records.iterator()) {
    const record = value as IssuanceRecord;
    if (!record?.status) continue;
    for (const slot of [record.status.revocation, record.status.suspension] as StatusSlot[]) {
      if (!allocations.has(allocKey(slot.listId, slot.index))) {
        throw inconsistent('allocations', 'a credential whose status index is not allocated', {
          credentialId: String(record.id).slice(0, 80),
        });
      }
      used += 1;
    }
  }
  if (used !== allocations.size) {
    throw inconsistent('allocations', `${allocations.size} allocated status indexes for ${used} used by records`, {
      allocated: allocations.size,
      used,
    });
  }
}

// True when the chain ending at `head` holds `pinned` (same seq, same hash).
async function reaches(db: IssuerDb, head: AuditHead, pinned: AuditHead): Promise<boolean> {
  if (!Number.isInteger(pinned.seq) || pinned.seq < 0 || pinned.seq > head.seq) return false;
  if (pinned.seq === 0) return true;
  if (pinned.seq === head.seq) return pinned.hash === head.hash;
  const entry = (await db.audit.get(String(pinned.seq).padStart(16, '0'))) as AuditEntry | undefined;
  return entry?.hash === pinned.hash;
}
