import { createHmac, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { canonicalJson } from '@vneid/core';
import type { IssuerContext } from './context.js';
import type { Op } from './db.js';
import { entries } from './db.js';
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

export async function loadAuditHead(ctx: Pick<IssuerContext, 'db'>): Promise<AuditHead> {
  return ((await ctx.db.meta.get(HEAD_KEY)) as AuditHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
}

/**
 * The operations appending one audit entry (and moving the stored head),
 * to be committed in the same batch as the change they describe. Call only
 * inside the issuer's mutex; `after()` advances the in-memory head once the
 * batch is durable.
 */
export function auditOps(
  ctx: IssuerContext,
  event: string,
  data: Record<string, unknown>,
): { ops: Op[]; after: () => void } {
  const partial = {
    seq: ctx.auditHead.seq + 1,
    time: ctx.now().toISOString(),
    event,
    data,
    prevHash: ctx.auditHead.hash,
  };
  const entry: AuditEntry = { ...partial, hash: entryHash(ctx.auditChainKey, partial) };
  const head: AuditHead = { seq: entry.seq, hash: entry.hash };
  return {
    ops: [
      { type: 'put', sublevel: ctx.db.audit, key: auditKey(entry.seq), value: entry },
      { type: 'put', sublevel: ctx.db.meta, key: HEAD_KEY, value: head },
    ],
    after: () => {
      ctx.auditHead = head;
    },
  };
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
