import type { KeyType } from '@vneid/core';
import { MAX_PUBLISH_SKEW_MS } from './clock-skew.js';
import type { KeyRecord, MinistryRecord } from './types.js';

/*
 * Key validity windows, and which key signs at an instant.
 *
 * Verifiers accept a signature when its proof's `created` lies in its key's
 * published window [validFrom, validUntil). Every replica dates what it signs
 * with its own clock, and clocks may differ by MAX_PUBLISH_SKEW_MS. So the
 * rule has two halves:
 *
 * 1. Choose by the date stamped. A signing step fixes its date first (a
 *    credential's `created`, a status list's `validFrom`) and signs with the
 *    key whose turn it is at that date: of the keys of its type, the newest
 *    whose `validFrom` has come. A replica whose clock is behind the one that
 *    rotated keeps signing with the old key until its clock reaches the new
 *    key's `validFrom`, and the old key's window contains that date.
 *
 * 2. The old key's window outlives the switch by KEY_WINDOW_OVERLAP_MS. A
 *    replica that chose the old key just before the rotation reached the
 *    database may have dated its signature after the switch: up to the skew
 *    for a credential (its clock ahead of the rotating one), and up to twice
 *    the skew for a status list (a copy follows the last one, which may
 *    itself be dated up to the skew ahead). Such a credential is refused at
 *    commit if the rotation committed first (the storage checks rule 1
 *    against the stored keys); if it committed first, the overlap keeps it
 *    verifying. The overlap opens nothing to a thief: a compromised key is
 *    refused whatever its dates (`compromisedSince` in the trust bundle).
 *
 * A ministry's first key of a type has no predecessor to overlap, so its
 * window opens the same margin early: a replica whose clock is behind the
 * one that made the key can sign with it at once.
 *
 * Windows are in whole seconds (Data Integrity `created` has whole seconds):
 * the switch is rounded down for an immediate rotation and up for a staged one
 * (never before the requested time), the old key's end up.
 */
export const KEY_WINDOW_OVERLAP_MS = 2 * MAX_PUBLISH_SKEW_MS;

/** An ISO date-time of whole seconds (`…T08:00:00Z`). */
export function wholeSeconds(ms: number, round: 'floor' | 'ceil'): string {
  return new Date(Math[round](ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A key whose window is empty: superseded before it was activated, it never signed and is not published. */
export function isWithdrawn(key: KeyRecord): boolean {
  return key.validUntil !== undefined && Date.parse(key.validUntil) <= Date.parse(key.validFrom);
}

/** The keys verifiers are told about (DID document, trust bundle): all but withdrawn ones. */
export function publishedKeys(ministry: MinistryRecord): KeyRecord[] {
  return ministry.keys.filter((k) => !isWithdrawn(k));
}

/**
 * The key of `keyType` that signs what is dated `at` (ms): the newest one
 * whose `validFrom` has come, if `at` is still inside its window.
 */
export function signingKeyAt(ministry: MinistryRecord, keyType: KeyType, at: number): KeyRecord | undefined {
  for (let i = ministry.keys.length - 1; i >= 0; i--) {
    const key = ministry.keys[i] as KeyRecord;
    if (key.keyType !== keyType || isWithdrawn(key) || Date.parse(key.validFrom) > at) continue;
    return key.validUntil === undefined || at < Date.parse(key.validUntil) ? key : undefined;
  }
  return undefined;
}

/** The `validFrom` of a ministry's first key of a type made at `nowMs`. */
export function firstKeyValidFrom(nowMs: number): string {
  return wholeSeconds(nowMs - KEY_WINDOW_OVERLAP_MS, 'floor');
}

/**
 * The keys of a ministry after adding `next`, which takes over signing for
 * its type at `next.validFrom`: every earlier key of that type ends its
 * window KEY_WINDOW_OVERLAP_MS after that (or keeps an earlier end), and one
 * whose own turn had not come by then is withdrawn (an empty window).
 */
export function keysAfterRotation(keys: readonly KeyRecord[], next: KeyRecord): KeyRecord[] {
  const end = Date.parse(next.validFrom) + KEY_WINDOW_OVERLAP_MS;
  const out = keys.map((k) => {
    if (k.keyType !== next.keyType) return k;
    const from = Date.parse(k.validFrom);
    if (k.validUntil !== undefined && Date.parse(k.validUntil) <= end) return k;
    return { ...k, validUntil: from >= end ? k.validFrom : wholeSeconds(end, 'ceil') };
  });
  out.push(next);
  return out;
}

/**
 * Whether a credential's key is still the one whose turn it is at the
 * credential's date, by the ministry's keys as stored now: the storage checks
 * this when it records the issuance, so a rotation that reached the database
 * while the credential was being signed voids it (rule 1 above).
 */
export function stillSigns(ministry: MinistryRecord | undefined, issued: { keyId: string; issuedAt: string }): boolean {
  const key = ministry?.keys.find((k) => k.id === issued.keyId);
  return key !== undefined && signingKeyAt(ministry!, key.keyType, Date.parse(issued.issuedAt))?.id === key.id;
}
