import type { TrustBundleIssuer } from '@vneid/core';
import { authorizedTypes } from './add-ministry.js';
import { type IssuerContext, statusListUrl } from './lib/context.js';
import { publishedKeys } from './lib/key-windows.js';

/**
 * The URL under which every status list of this issuer service is published,
 * ending in `/`; the service answers the list index at the prefix itself.
 * Derived from the URL of a list so that it follows wherever lists live.
 */
export function statusListPrefix(ctx: Pick<IssuerContext, 'baseUrl'>): string {
  const sample = new URL(statusListUrl(ctx, 'x'));
  sample.pathname = sample.pathname.slice(0, sample.pathname.lastIndexOf('/') + 1);
  return sample.href;
}

/** The ids of the status lists published so far (of one ministry, or all), in id order. */
export function statusListIds(ctx: IssuerContext, ministry?: string): string[] {
  return ctx.storage
    .statusLists()
    .filter((l) => ministry === undefined || l.ministry === ministry)
    .map((l) => l.listId)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * The `issuers` entries of a trust bundle, one per ministry: its DID, names,
 * the types its role authorises, every key with the window in which it may
 * sign (retired keys keep verifying what they signed inside it; a key staged
 * by `rotateKey(…, { activateAt })` is here from the rotation on, with its
 * window opening at activateAt, so that a bundle naming it can be signed and
 * distributed before it signs anything; see lib/key-windows.ts), and the
 * prefix of its status lists. The lists are named by prefix, not one by
 * one: a ministry of 100 million citizens has thousands of them, and a list
 * opened after the bundle was signed is still covered. The verifier package
 * signs these into the bundle.
 *
 * @example
 * const bundle = { type: 'VneidTrustBundle', version: 3, …, issuers: issuer.trustBundleIssuers() };
 */
export function trustBundleIssuers(ctx: IssuerContext): TrustBundleIssuer[] {
  const prefix = statusListPrefix(ctx);
  return ctx.storage.ministries().map((m) => ({
    id: m.did,
    name: { vi: m.name.vi, en: m.name.en },
    credentialTypes: authorizedTypes(m.role),
    verificationMethods: publishedKeys(m).map((k) => ({
      id: k.id,
      type: 'Multikey' as const,
      publicKeyMultibase: k.publicKeyMultibase,
      validFrom: k.validFrom,
      ...(k.validUntil ? { validUntil: k.validUntil } : {}),
    })),
    statusListPrefix: prefix,
  }));
}

export type { TrustBundleIssuer };
