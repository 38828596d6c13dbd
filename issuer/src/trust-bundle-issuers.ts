import type { TrustBundleIssuer } from '@vneid/core';
import { authorizedTypes } from './add-ministry.js';
import { type IssuerContext, statusListUrl } from './lib/context.js';

/**
 * The `issuers` entries of a trust bundle, one per ministry: its DID, names,
 * the types its role authorises, every key with the window in which it may
 * sign (retired keys keep verifying what they signed inside it), and its
 * status list URLs. The verifier package signs these into the bundle.
 *
 * @example
 * const bundle = { type: 'VneidTrustBundle', version: 3, …, issuers: issuer.trustBundleIssuers() };
 */
export function trustBundleIssuers(ctx: IssuerContext): TrustBundleIssuer[] {
  return ctx.storage.ministries().map((m) => ({
    id: m.did,
    name: { vi: m.name.vi, en: m.name.en },
    credentialTypes: authorizedTypes(m.role),
    verificationMethods: m.keys.map((k) => ({
      id: k.id,
      type: 'Multikey' as const,
      publicKeyMultibase: k.publicKeyMultibase,
      validFrom: k.validFrom,
      ...(k.validUntil ? { validUntil: k.validUntil } : {}),
    })),
    statusLists: ctx.storage
      .statusLists()
      .filter((l) => l.ministry === m.slug)
      .sort((a, b) => a.listId.localeCompare(b.listId))
      .map((l) => statusListUrl(ctx, l.listId)),
  }));
}

export type { TrustBundleIssuer };
