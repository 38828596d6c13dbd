import { isFetchableUrl } from '@vneid/core';
import type { BundleIssuer } from '../types.js';

// One list name: the characters a URL path segment carries without any
// percent-encoding, and never a dot segment. Percent-encoding is refused
// outright: `%2F` or `%2e%2e` would be one segment to us and something else
// to a server or cache that decodes it.
const NAME = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199}$/;

/**
 * Whether a URL already in its normalised form (`href === text`) has a query
 * or fragment, empty ones included. The parser reports an empty query (`…/?`)
 * and an empty fragment (`…/#`) as `search === ''` and `hash === ''`, exactly
 * as it reports none, yet keeps the `?` or `#` in `href`: a prefix ending in
 * one passes every check on the parsed URL, and every list URL built under it
 * (`…/lists/#bo-1`) names the prefix itself, not a list. So the text is
 * checked. It is enough to look for the two characters once `href` equals
 * the text: the serialiser percent-encodes them everywhere but where they
 * start a query or fragment (path, user info), and a host cannot hold them;
 * everything else that the raw text could carry beyond the URL (a default
 * port, an empty `@`, dot segments, upper-case host) makes `href` differ.
 */
function hasQueryOrFragment(normalised: string): boolean {
  return normalised.includes('?') || normalised.includes('#');
}

/**
 * Whether `value` is a usable status list prefix: an https URL (or loopback
 * http, as every fetched URL) already in its normalised form, with a path
 * that ends in `/`, and no query, fragment, user info or percent-encoding.
 * Being normalised means that a string comparison of origin and path is a
 * comparison of what a server sees.
 */
export function isStatusListPrefix(value: unknown): value is string {
  if (!isFetchableUrl(value) || value.length > 512) return false;
  const url = new URL(value);
  return (
    url.href === value &&
    !hasQueryOrFragment(value) &&
    !url.pathname.includes('%') &&
    url.pathname.endsWith('/') &&
    url.pathname.split('/').every((segment) => segment !== '.' && segment !== '..')
  );
}

/**
 * Whether `url` names a list under `prefix`: the same origin (scheme, host,
 * port, as the URL parser normalises them) and the prefix's path followed by
 * exactly one list name segment. The URL must be given in its normalised
 * form: `https://a.example/lists/../evil/x` or `…/lists/%2e%2e/x` are refused
 * rather than normalised, and `https://a.example/lists-evil/x` does not match
 * `https://a.example/lists/` because whole segments are compared.
 */
export function isUnderPrefix(url: unknown, prefix: string): url is string {
  if (typeof url !== 'string' || !isFetchableUrl(url) || url.length > 1024) return false;
  let parsed: URL;
  let base: URL;
  try {
    parsed = new URL(url);
    base = new URL(prefix);
  } catch {
    return false;
  }
  if (parsed.href !== url || hasQueryOrFragment(url)) return false;
  if (parsed.origin !== base.origin || parsed.protocol !== base.protocol) return false;
  if (!parsed.pathname.startsWith(base.pathname)) return false;
  return NAME.test(parsed.pathname.slice(base.pathname.length));
}

/**
 * The URL of list `name` under `prefix`, or undefined when `name` is not one
 * plain path segment (index entries come from the network).
 */
export function listUrl(prefix: string, name: unknown): string | undefined {
  if (typeof name !== 'string' || !NAME.test(name)) return undefined;
  const url = `${prefix}${name}`;
  return isUnderPrefix(url, prefix) ? url : undefined;
}

/** Whether the bundle entry `issuer` names the list at `url`: enumerated, or under its prefix. */
export function namesStatusList(issuer: Pick<BundleIssuer, 'statusLists' | 'statusListPrefix'>, url: string): boolean {
  if (issuer.statusLists?.includes(url)) return true;
  return issuer.statusListPrefix !== undefined && isUnderPrefix(url, issuer.statusListPrefix);
}
