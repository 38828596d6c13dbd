import type { KeyType, StatusPurpose } from '@vneid/core';
import type { LocalizedText } from '@vneid/schemas';

/** A ministry key as published: public data and its validity window only. */
export interface KeyRecord {
  id: string;
  keyType: KeyType;
  publicKeyMultibase: string;
  /** From when it signs (the activation of a staged rotation may be later than its creation). */
  validFrom: string;
  /**
   * Set by the rotation that replaced it: it signs what is dated before the
   * next key's `validFrom` and verifies until this, a little later (the
   * replicas' clock skew; lib/key-windows.ts). Not after `validFrom`: withdrawn
   * before its turn, never signed, not published.
   */
  validUntil?: string;
}

/** A ministry (issuing authority) as stored. */
export interface MinistryRecord {
  slug: string;
  did: string;
  name: LocalizedText;
  role: string;
  allowGeneralCredentials: boolean;
  /** General credentials may carry a `credentialStatus` the caller set (absent: false). */
  allowCallerCredentialStatus?: boolean;
  createdAt: string;
  keys: KeyRecord[];
}

/** Where one credential's status bit lives. */
export interface StatusSlot {
  listId: string;
  index: number;
}

/** The lifecycle state of an issued credential. */
export type CredentialState = 'active' | 'suspended' | 'revoked';

/**
 * What the issuer keeps about an issued credential: enough to manage its
 * status and prove what was signed, and no personal data (the subject is
 * represented by the digest of its canonical JSON only).
 */
export interface IssuanceRecord {
  id: string;
  type: string;
  ministry: string;
  keyId: string;
  cryptosuite: string;
  issuedAt: string;
  /** `sha256-<base64>` of the canonical JSON of the signed credentialSubject. */
  subjectDigest: string;
  status: { revocation: StatusSlot; suspension: StatusSlot } | null;
  state: CredentialState;
  stateChangedAt?: string;
}

/** A status list (one per ministry per purpose until it fills). */
export interface StatusListMeta {
  listId: string;
  ministry: string;
  purpose: StatusPurpose;
  /** 1 for a ministry's first list of this purpose, then 2, 3, … */
  seq: number;
  length: number;
  createdAt: string;
}

/** One entry of the hash-chained audit log. */
export interface AuditEntry {
  seq: number;
  time: string;
  event: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
