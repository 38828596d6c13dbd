/**
 * Where an offer stands: `offered` (the wallet may redeem it), `redeemed`
 * (an access token was issued, the credential not yet), `issuing` (one
 * credential request is being served), `issued` (done, never again),
 * `blocked` (too many wrong transaction codes).
 */
export type OfferState = 'offered' | 'redeemed' | 'issuing' | 'issued' | 'blocked';

/** One credential offer as the issuer keeps it. Codes are stored as SHA-256 digests only. */
export interface OfferRecord {
  /** Random id: the `credential_offer_uri` path and the access token's subject. */
  id: string;
  /** SHA-256 (base64url) of the pre-authorised code. */
  codeDigest: string;
  /** SHA-256 (base64url) of the transaction code. */
  txCodeDigest: string;
  ministry: string;
  type: string;
  subject: Record<string, unknown>;
  validFrom?: string;
  validUntil?: string;
  /** The credential offer object the wallet fetches by reference. */
  offer: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  state: OfferState;
  txCodeFailures: number;
}

/**
 * Offer, code and nonce state of the OpenID4VCI endpoints. Every transition
 * is a compare-and-set, so two concurrent redemptions of one code cannot both
 * win. An in-memory implementation serves one process; a shared store (the
 * issuer's storage) implements the same interface for replicas.
 */
export interface OfferStore {
  put(record: OfferRecord): Promise<void>;
  byId(id: string): Promise<OfferRecord | undefined>;
  byCodeDigest(digest: string): Promise<OfferRecord | undefined>;
  /** Moves `id` from `from` to `to`; false when it was not in `from` (someone else won, or it expired). */
  transition(id: string, from: OfferState, to: OfferState): Promise<boolean>;
  /** Counts a wrong transaction code; blocks the offer at `maxFailures`. Returns the new count. */
  recordTxCodeFailure(id: string, maxFailures: number): Promise<number>;
  /** Remembers a c_nonce until `expiresAt` (ms). */
  putNonce(nonce: string, expiresAt: number): Promise<void>;
  /** The nonce's expiry, once: the nonce is forgotten whatever the answer. */
  takeNonce(nonce: string): Promise<number | undefined>;
}

/**
 * The in-memory {@link OfferStore}: offers and nonces of one process, dropped
 * after they expire. Bounded: past `maxEntries` the oldest go first.
 */
export function createMemoryOfferStore(options: { now?: () => number; maxEntries?: number } = {}): OfferStore {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const offers = new Map<string, OfferRecord>();
  const byCode = new Map<string, string>();
  const nonces = new Map<string, number>();
  const prune = () => {
    const t = now();
    for (const [id, r] of offers) {
      // Insertion order is expiry order (one ttl per service).
      if (r.expiresAt > t && offers.size <= maxEntries) break;
      offers.delete(id);
      byCode.delete(r.codeDigest);
    }
    for (const [n, exp] of nonces) {
      if (exp > t && nonces.size <= maxEntries) break;
      nonces.delete(n);
    }
  };
  const copy = (r: OfferRecord | undefined) => (r ? structuredClone(r) : undefined);
  return {
    async put(record) {
      prune();
      offers.set(record.id, structuredClone(record));
      byCode.set(record.codeDigest, record.id);
    },
    async byId(id) {
      return copy(offers.get(id));
    },
    async byCodeDigest(digest) {
      const id = byCode.get(digest);
      return id === undefined ? undefined : copy(offers.get(id));
    },
    async transition(id, from, to) {
      const r = offers.get(id);
      if (!r || r.state !== from) return false;
      r.state = to;
      return true;
    },
    async recordTxCodeFailure(id, maxFailures) {
      const r = offers.get(id);
      if (!r) return maxFailures;
      r.txCodeFailures += 1;
      if (r.txCodeFailures >= maxFailures) r.state = 'blocked';
      return r.txCodeFailures;
    },
    async putNonce(nonce, expiresAt) {
      prune();
      nonces.set(nonce, expiresAt);
    },
    async takeNonce(nonce) {
      const exp = nonces.get(nonce);
      nonces.delete(nonce);
      return exp;
    },
  };
}
