import { createHash, createHmac } from 'node:crypto';
import { canonicalJson, VneidError } from '@vneid/core';

/** One line of a verifier's accountability log: what it asked, why, the outcome — never a value. */
export interface AccountabilityEntry {
  seq: number;
  at: string;
  verifier: string;
  asked: Array<{ type: string; fields: string[] }>;
  purpose: string[];
  result: 'verified' | 'refused';
  codes: string[];
  /** `hash` of the previous entry; 64 zeros for the first. */
  prev: string;
  /** HMAC-SHA256 (hex, with the log's key) of this entry's canonical JSON without `hash`; SHA-256 when unkeyed. */
  hash: string;
}

const GENESIS = '0'.repeat(64);

function hashOf(entry: Omit<AccountabilityEntry, 'hash'>, key: Uint8Array | undefined): string {
  const json = canonicalJson(entry);
  return key ? createHmac('sha256', key).update(json).digest('hex') : createHash('sha256').update(json).digest('hex');
}

function checkKey(key: Uint8Array | undefined): void {
  if (key !== undefined && (!(key instanceof Uint8Array) || key.length < 32)) {
    throw new TypeError('key must be a Uint8Array of at least 32 bytes');
  }
}

/**
 * The verifier's own accountability log, hash-chained: each entry commits to
 * the previous one, so a changed, removed or reordered entry breaks the chain.
 * It records field names, purpose and outcome, never attribute values.
 *
 * Give it a `key` (32+ random bytes the verifier keeps off the log's disk)
 * and the chain is an HMAC chain: whoever holds only the log (a copy on a
 * tablet, an export in transit) cannot rewrite an entry and rehash from
 * there. Without a key the chain is plain SHA-256 and shows only accidental
 * damage and edits not rehashed; a rewrite from the edit onward is then
 * caught only against an anchor kept elsewhere. We kept the unkeyed form for
 * devices with nowhere safe to keep a key, rather than pretend it protects.
 *
 * @example
 * const log = createAccountabilityLog({ verifier: 'csgt.bocongan.gov.vn', now: () => new Date() })
 * log.record({ request, report }); verifyAccountabilityLog(log.entries())
 */
export function createAccountabilityLog(options: { verifier: string; now?: () => Date; key?: Uint8Array }) {
  checkKey(options.key);
  const key = options.key && Uint8Array.from(options.key);
  const now = options.now ?? (() => new Date());
  const entries: AccountabilityEntry[] = [];
  return {
    record(what: {
      asked: Array<{ type: string; fields: string[] }>;
      purpose: string[];
      verified: boolean;
      codes?: string[];
    }): AccountabilityEntry {
      const body = {
        seq: entries.length,
        at: now().toISOString(),
        verifier: options.verifier,
        asked: what.asked.map((a) => ({ type: a.type, fields: [...a.fields] })),
        purpose: [...what.purpose],
        result: what.verified ? ('verified' as const) : ('refused' as const),
        codes: [...new Set(what.codes ?? [])],
        prev: entries.length === 0 ? GENESIS : entries[entries.length - 1]!.hash,
      };
      const entry = { ...body, hash: hashOf(body, key) };
      entries.push(entry);
      return structuredClone(entry);
    },
    entries(): AccountabilityEntry[] {
      return structuredClone(entries);
    },
  };
}

/**
 * Checks a log's chain from the first entry, with the log's `key` when it was
 * created with one (without it only internal consistency is checked: see
 * {@link createAccountabilityLog}). `anchor` is a head hash exported earlier
 * and kept elsewhere: it must be the hash of one entry of the log (at its own
 * seq, so a log that grew since still verifies), so a cut tail or a rewrite
 * of anything up to the anchored entry shows.
 *
 * @throws {VneidError} ACCOUNTABILITY_LOG_TAMPERED (details.seq).
 */
export function verifyAccountabilityLog(
  entries: AccountabilityEntry[],
  options: { anchor?: string; key?: Uint8Array } = {},
): void {
  checkKey(options.key);
  let prev = GENESIS;
  let anchored = false;
  entries.forEach((entry, i) => {
    const { hash, ...body } = entry;
    if (entry.seq !== i || entry.prev !== prev || hashOf(body, options.key) !== hash) {
      throw new VneidError('ACCOUNTABILITY_LOG_TAMPERED', `accountability log broken at entry ${i}`, {
        details: { seq: i },
      });
    }
    if (hash === options.anchor) anchored = true;
    prev = hash;
  });
  if (options.anchor !== undefined && !anchored) {
    throw new VneidError('ACCOUNTABILITY_LOG_TAMPERED', 'the anchored head is not an entry of the log', {
      details: { seq: entries.length },
    });
  }
}
