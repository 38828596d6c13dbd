import type { JsonLimits } from '@vneid/core';

/**
 * Every limit a verifier enforces on what it downloads or loads, in one
 * place: the verifier applies them, and `createTrustBundle` /
 * `signTrustBundle` apply the same ones so that no bundle is signed that
 * verifiers would refuse.
 */
export const VERIFIER_LIMITS = Object.freeze({
  /**
   * A trust bundle: a national list is a few dozen issuers, not thousands. An
   * issuer with more status lists than `maxArrayLength` names them by
   * `statusListPrefix` instead of enumerating them.
   */
  trustBundle: Object.freeze({
    maxBytes: 1024 * 1024,
    maxDepth: 8,
    maxArrayLength: 512,
    maxKeys: 20_000,
    maxStringLength: 2048,
  }) satisfies Readonly<JsonLimits>,
  /** A fetched status list credential: one big string (the list), little else. */
  statusList: Object.freeze({
    maxBytes: 3 * 1024 * 1024,
    maxDepth: 8,
    maxArrayLength: 16,
    maxKeys: 64,
    maxStringLength: 3 * 1024 * 1024,
  }) satisfies Readonly<JsonLimits>,
  /**
   * The index served at a status list prefix: one key per list. 100 million
   * citizens × four documents × two purposes at 65,536 credentials per list is
   * about 12,200 lists; 200,000 leaves room for every ministry of a service.
   */
  statusListIndex: Object.freeze({
    maxBytes: 16 * 1024 * 1024,
    maxDepth: 4,
    maxArrayLength: 0,
    maxKeys: 200_000,
    maxStringLength: 256,
  }) satisfies Readonly<JsonLimits>,
});
