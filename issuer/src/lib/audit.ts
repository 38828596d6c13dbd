import { createHmac, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalJson } from '@vneid/core';
import type { IssuerContext } from './context.js';
import { commit, entries, type Op } from './db.js';
import { StorageWriteError } from './group-commit.js';
import type { AuditEntry } from './types.js';

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit-head';
const SALT_KEY = 'audit-salt';
const scryptAsync = promisify(scrypt) as (p: string, s: Buffer, n: number, o: object) => Promise<Buffer>;

/**
 * The key of the audit chain, derived from the key-store passphrase (scrypt,
 * its own salt). A plain hash chain stored beside its head can be rewritten
 * by anyone with write access to the folder; a keyed one only by someone who
 * also knows the passphrase.
 */
export async function auditChainKey(db: Pick<IssuerContext['db'], 'meta'>, passphrase: string): Promise<Buffer> {
  let salt = (await db.meta.get(SALT_KEY)) as string | undefined;
  if (salt === undefined) {
    salt = randomBytes(16).toString('base64');
    await db.meta.put(SALT_KEY, salt, { sync: true });
  }
  return scryptAsync(passphrase.normalize('NFC'), Buffer.from(salt, 'base64'), 32, { N: 2 ** 14, r: 8, p: 1 });
}

export interface AuditHead {
  seq: number;
  hash: string;
}

/** Zero-padded so that LevelDB's byte order is numeric order. */
export function auditKey(seq: number): string {
  return String(seq).padStart(16, '0');
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

// The chain tip: the last entry handed to the writer, durable or not. New
// entries chain onto it. `ctx.auditHead` stays the last *durable* entry, so
// `auditHead()` never exports an anchor that a crash could take back.
const tips = new WeakMap<IssuerContext, AuditHead>();

function tipOf(ctx: IssuerContext): AuditHead {
  return tips.get(ctx) ?? ctx.auditHead;
}

export async function loadAuditHead(ctx: Pick<IssuerContext, 'db'>): Promise<AuditHead> {
  return ((await ctx.db.meta.get(HEAD_KEY)) as AuditHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
}

function nextEntry(ctx: IssuerContext, event: string, data: Record<string, unknown>): { ops: Op[]; head: AuditHead } {
  const tip = tipOf(ctx);
  const partial = { seq: tip.seq + 1, time: ctx.now().toISOString(), event, data, prevHash: tip.hash };
  const entry: AuditEntry = { ...partial, hash: entryHash(ctx.auditChainKey, partial) };
  const head: AuditHead = { seq: entry.seq, hash: entry.hash };
  return {
    ops: [
      { type: 'put', sublevel: ctx.db.audit, key: auditKey(entry.seq), value: entry },
      { type: 'put', sublevel: ctx.db.meta, key: HEAD_KEY, value: head },
    ],
    head,
  };
}

function advanceDurable(ctx: IssuerContext, head: AuditHead): void {
  if (head.seq > ctx.auditHead.seq) ctx.auditHead = head;
}

/**
 * The operations appending one audit entry (and moving the stored head),
 * to be committed in the same batch as the change they describe. Call only
 * inside the issuer's mutex, commit at once and await the commit there;
 * `after()` advances the in-memory head once the batch is durable. (Until
 * then the next entry would chain onto the same predecessor: the mutex
 * makes sure there is no next entry.)
 */
export function auditOps(
  ctx: IssuerContext,
  event: string,
  data: Record<string, unknown>,
): { ops: Op[]; after: () => void } {
  const { ops, head } = nextEntry(ctx, event, data);
  return {
    ops,
    after: () => {
      tips.set(ctx, head);
      advanceDurable(ctx, head);
    },
  };
}

/**
 * Queues `ops` with one audit entry describing them in the writer (group
 * commit) and moves the chain tip at once, so the mutex can be released
 * before the batch is synced: the next entry chains onto this one, and the
 * writer keeps queue order. Call inside the mutex; await `durable` outside
 * it, and acknowledge nothing before it resolves. The returned object (not a
 * bare promise) keeps an async mutex section from waiting for the sync.
 *
 * If the batch fails, the tip has run ahead of the disk; the writer then
 * refuses every later write (see `createGroupCommit`), so no entry is
 * ever written onto a missing one, and reopening reloads the head from disk.
 *
 * @throws {StorageWriteError} INTERNAL_ERROR (synchronously) when the writer has already stopped;
 *   `durable` rejects with it when this batch fails.
 */
export function queueAudited(
  ctx: IssuerContext,
  event: string,
  data: Record<string, unknown>,
  ops: Op[] = [],
): { durable: Promise<void> } {
  const stopped = ctx.db.writer.failure;
  if (stopped) throw new StorageWriteError('writes-stopped', { cause: stopped });
  const audit = nextEntry(ctx, event, data);
  const durable = commit(ctx.db, [...ops, ...audit.ops], () => advanceDurable(ctx, audit.head));
  tips.set(ctx, audit.head);
  return { durable };
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
 * Re-walks the chain from the first entry: every seq present and consecutive,
 * every prevHash equal to the previous hash, every keyed hash recomputed, and
 * the last entry equal to the stored head. A cut tail with a rewound head is
 * only visible against a head kept elsewhere: pass it as `anchor`.
 */
export async function verifyAuditChain(
  ctx: Pick<IssuerContext, 'db' | 'auditChainKey'>,
  anchor?: AuditHead,
): Promise<AuditVerification> {
  const head = await loadAuditHead(ctx);
  const all = await entries<AuditEntry>(ctx.db.audit);
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const [key, entry] of all) {
    const ok =
      entry !== null &&
      typeof entry === 'object' &&
      entry.seq === expectedSeq &&
      key === auditKey(expectedSeq) &&
      entry.prevHash === prev &&
      entry.hash === entryHash(ctx.auditChainKey, entry);
    if (!ok) return { valid: false, entries: all.length, brokenAt: expectedSeq };
    prev = entry.hash;
    expectedSeq += 1;
  }
  if (head.seq !== expectedSeq - 1 || head.hash !== prev) {
    return { valid: false, entries: all.length, brokenAt: Math.min(head.seq, expectedSeq) };
  }
  if (anchor) {
    const anchored = all[anchor.seq - 1]?.[1];
    if (!anchored || anchored.hash !== anchor.hash) {
      return { valid: false, entries: all.length, brokenAt: Math.min(anchor.seq, all.length + 1) };
    }
  }
  return { valid: true, entries: all.length };
}
