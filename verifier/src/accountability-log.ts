import { createHash } from 'node:crypto';
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
  /** SHA-256 (hex) of the previous entry's canonical JSON; 64 zeros for the first. */
  prev: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

function hashOf(entry: Omit<AccountabilityEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

/**
 * The verifier's own accountability log, hash-chained: each entry commits to
 * the previous one, so a changed, removed or reordered entry breaks the chain.
 * It records field names, purpose and outcome, never attribute values.
 *
 * @example
 * const log = createAccountabilityLog({ verifier: 'csgt.bocongan.gov.vn', now: () => new Date() })
 * log.record({ request, report }); verifyAccountabilityLog(log.entries())
 */
export function createAccountabilityLog(options: { verifier: string; now?: () => Date }) {
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
      const entry = { ...body, hash: hashOf(body) };
      entries.push(entry);
      return structuredClone(entry);
    },
    entries(): AccountabilityEntry[] {
      return structuredClone(entries);
    },
  };
}

/**
 * Checks a log's chain from the first entry (or from `anchor`, a head hash
 * kept elsewhere, so a cut tail shows too).
 *
 * @throws {VneidError} ACCOUNTABILITY_LOG_TAMPERED (details.seq).
 */
export function verifyAccountabilityLog(entries: AccountabilityEntry[], options: { anchor?: string } = {}): void {
  let prev = GENESIS;
  entries.forEach((entry, i) => {
    const { hash, ...body } = entry;
    if (entry.seq !== i || entry.prev !== prev || hashOf(body) !== hash) {
      throw new VneidError('ACCOUNTABILITY_LOG_TAMPERED', `accountability log broken at entry ${i}`, {
        details: { seq: i },
      });
    }
    prev = hash;
  });
  if (options.anchor !== undefined && options.anchor !== prev) {
    throw new VneidError('ACCOUNTABILITY_LOG_TAMPERED', 'the log does not end at the anchored head', {
      details: { seq: entries.length },
    });
  }
}
