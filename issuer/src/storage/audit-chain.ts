import { createHmac, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalJson } from '@vneid/core';
import type { AuditEntry } from '../lib/types.js';
import type { AuditAppend, AuditHead, IssuerStorage } from './contract.js';

/**
 * The audit log is ONE HMAC chain for the whole issuer, whatever the number
 * of replicas: entry n carries the keyed hash of entry n-1, and the order is
 * decided by the database (PostgreSQL: the head row is locked by the
 * transaction that appends, so seqs are gap-free and the chain cannot fork;
 * LevelDB: the one process's section and writer). We chose one chain over
 * per-replica chains joined by a signed head because verification and
 * anchoring stay exactly as before (one head, one walk, a gap is visible as a
 * missing seq) and a replica that dies leaves no half-chain to reconcile. The
 * cost: audited writes serialise on the head row, and PostgreSQL releases a
 * row lock only once the commit is durable — flushed, and acknowledged by a
 * synchronous standby when there is one. Signing happens before, outside the
 * lock, and the head is locked by the last statements of the transaction, but
 * the audited writes of the whole issuer are still capped near one per
 * (commit latency + three round trips); with a synchronous standby in
 * another data centre that latency includes its round trip. So the
 * PostgreSQL engine groups the issuances a replica has in flight into one
 * transaction (postgres/commit-group.ts): the cap is per group, not per
 * issuance.
 */

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** Setting holding the chain key's scrypt salt (the passphrase gives the key; it is never stored). */
export const AUDIT_SALT_SETTING = 'audit-salt';

const scryptAsync = promisify(scrypt) as (p: string, s: Buffer, n: number, o: object) => Promise<Buffer>;

/**
 * The key of the audit chain, derived from the key-store passphrase (scrypt,
 * its own salt). A plain hash chain stored beside its head can be rewritten
 * by anyone with write access to the database; a keyed one only by someone
 * who also knows the passphrase.
 */
export async function auditChainKey(storage: Pick<IssuerStorage, 'setting'>, passphrase: string): Promise<Buffer> {
  const salt = await storage.setting(AUDIT_SALT_SETTING, () => randomBytes(16).toString('base64'));
  return scryptAsync(passphrase.normalize('NFC'), Buffer.from(salt, 'base64'), 32, { N: 2 ** 14, r: 8, p: 1 });
}

export function entryHash(key: Buffer, entry: Omit<AuditEntry, 'hash'>): string {
  return createHmac('sha256', key)
    .update(
      canonicalJson({
        seq: entry.seq,
        time: entry.time,
        event: entry.event,
        data: entry.data,
        prevHash: entry.prevHash,
      }),
    )
    .digest('hex');
}

/**
 * `data` as both engines store it (`JSON.stringify`) and read it back.
 * The hash must cover exactly that form: hashed live, a Date (hashed as `{}`
 * by canonicalJson, stored as its ISO string), an object with `toJSON`, or
 * `undefined` in an array would make a genuine chain verify as tampered.
 * We normalise rather than refuse so that the hash, the stored entry and
 * what auditEntries() returns are the same value for every caller (the
 * public `audit`/`recordSecurityEvent` and every internal step), on both
 * engines, in one place; what JSON cannot hold is still refused, before
 * anything is written.
 *
 * @throws {TypeError} when `data` is not an object JSON can hold (a BigInt, a cycle, not an object).
 */
function storedForm(data: unknown): Record<string, unknown> {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (cause) {
    throw new TypeError('audit data must be JSON-serialisable (no BigInt, no cycles)', { cause });
  }
  const parsed: unknown = text === undefined ? undefined : JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TypeError('audit data must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** The entry that follows `tip`. */
export function chainEntry(key: Buffer, tip: AuditHead, append: AuditAppend, time: Date): AuditEntry {
  const partial = {
    seq: tip.seq + 1,
    time: time.toISOString(),
    event: append.event,
    data: storedForm(append.data),
    prevHash: tip.hash,
  };
  return { ...partial, hash: entryHash(key, partial) };
}

/** Result of {@link verifyAuditChain}. */
export interface AuditVerification {
  valid: boolean;
  /** Number of entries read. */
  entries: number;
  /** seq of the first entry that is missing, altered or out of chain. */
  brokenAt?: number;
}

/**
 * Re-walks the chain from the first entry, streaming (constant memory
 * whatever the log's length): every seq present and consecutive, every
 * prevHash equal to the previous hash, every keyed hash recomputed, and the
 * head read at the start found on the chain at its own seq. The service keeps
 * appending during the walk: entries after that head are checked the same
 * way, and are accepted as appends only if the head read again at the end
 * has reached them (an entry beyond the stored head is not an append). A cut
 * tail with a rewound head is only visible against a head kept elsewhere:
 * pass it as `anchor`.
 */
export async function verifyAuditChain(
  storage: Pick<IssuerStorage, 'auditEntries' | 'loadAuditHead'>,
  key: Buffer,
  anchor?: AuditHead,
): Promise<AuditVerification> {
  const head = await storage.loadAuditHead();
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  let anchored: string | undefined;
  let atHead: string | undefined = head.seq === 0 ? GENESIS_HASH : undefined;
  let broken: number | undefined;
  for await (const entry of storage.auditEntries()) {
    count += 1;
    if (broken !== undefined) continue;
    const ok =
      entry !== null &&
      typeof entry === 'object' &&
      entry.seq === expectedSeq &&
      entry.prevHash === prev &&
      entry.hash === entryHash(key, entry);
    if (!ok) {
      broken = expectedSeq;
      continue;
    }
    if (anchor && entry.seq === anchor.seq) anchored = entry.hash;
    if (entry.seq === head.seq) atHead = entry.hash;
    prev = entry.hash;
    expectedSeq += 1;
  }
  if (broken !== undefined) return { valid: false, entries: count, brokenAt: broken };
  const last = expectedSeq - 1;
  if (last < head.seq || atHead !== head.hash) {
    return { valid: false, entries: count, brokenAt: Math.min(head.seq, expectedSeq) };
  }
  if (last > head.seq) {
    // Entries past the first head: appends only if the head has moved over them since.
    const now = await storage.loadAuditHead();
    if (now.seq < last || (now.seq === last && now.hash !== prev)) {
      return { valid: false, entries: count, brokenAt: Math.min(now.seq, head.seq) + 1 };
    }
  }
  if (anchor && anchored !== anchor.hash) {
    return { valid: false, entries: count, brokenAt: Math.min(anchor.seq, count + 1) };
  }
  return { valid: true, entries: count };
}
