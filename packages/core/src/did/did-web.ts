import { MalformedValueError } from '../errors.js';

// A did:web host is a DNS name, optionally with a percent-encoded port
// (`%3A`). We do NOT percent-decode anything else: web-did-resolver decodes
// the whole DID first, so `did:web:gov.example%40attacker.example` fetches
// from attacker.example. Here such a DID is simply malformed.
const HOST =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(%3A[0-9]{1,5})?$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The HTTPS URL of a did:web document, with the host and path validated
 * strictly (lower-case DNS name, optional port, plain path segments).
 *
 * @throws {MalformedValueError} MALFORMED_VALUE_ERROR for anything else.
 */
export function didWebToUrl(did: string, { scheme = 'https' }: { scheme?: 'https' | 'http' } = {}): URL {
  const parts = did.split(':');
  if (parts.length < 3 || parts[0] !== 'did' || parts[1] !== 'web') {
    throw new MalformedValueError(`not a did:web identifier: ${did.slice(0, 80)}`);
  }
  const [host, ...path] = parts.slice(2) as [string, ...string[]];
  if (!HOST.test(host) || !path.every((p) => PATH_SEGMENT.test(p) && p !== '.' && p !== '..')) {
    throw new MalformedValueError(`did:web host or path is not allowed: ${did.slice(0, 80)}`);
  }
  const authority = host.replace('%3A', ':');
  const port = authority.includes(':') ? Number(authority.split(':')[1]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new MalformedValueError(`did:web port is out of range: ${did.slice(0, 80)}`);
  }
  const suffix = path.length === 0 ? '/.well-known/did.json' : `/${path.join('/')}/did.json`;
  return new URL(`${scheme}://${authority}${suffix}`);
}

/** The did:web identifier served at `host` (with optional port) and path segments. */
export function didWebFromHost(host: string, ...path: string[]): string {
  const encodedHost = host.toLowerCase().replace(':', '%3A');
  const did = ['did', 'web', encodedHost, ...path].join(':');
  didWebToUrl(did); // validates
  return did;
}
