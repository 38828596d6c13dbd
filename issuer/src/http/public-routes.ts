import { canonicalJson, sha256Hex } from '@vneid/core';
import compression from 'compression';
import { type Request, type Response, Router } from 'express';
import type { Issuer } from '../create-issuer.js';
import type { SignedList } from '../lib/status-lists.js';
import { statusListIndex } from '../status-list-index.js';

/**
 * The public status list operations, as the issuer offers them (and a
 * benchmark can imitate). A source without `statusListIndex` has its index
 * read list by list (see {@link statusListIndex}).
 */
export type StatusListSource = Pick<Issuer, 'getSignedStatusList' | 'statusListIds' | 'statusListRefresh'> &
  Partial<Pick<Issuer, 'statusListIndex'>>;

// Hashing the canonical JSON of every list for every index or list request
// would cost more than serving it: a list's version is its signing time,
// which only grows, so (id, signedAt) names one content for good.
const etags = new Map<string, string>();
function etagOf(listId: string, signed: SignedList): string {
  const key = `${listId}\n${signed.signedAt}`;
  let etag = etags.get(key);
  if (etag === undefined) {
    etag = `"${sha256Hex(canonicalJson(signed.credential))}"`;
    if (etags.size >= 50_000) etags.delete(etags.keys().next().value as string);
    etags.set(key, etag);
  }
  return etag;
}

function notModified(req: Request, etag: string): boolean {
  const inm = req.get('if-none-match');
  return !!inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
}

/**
 * GET /status-lists/:id — the signed list with a strong ETag (hash of its
 * canonical JSON) and `Cache-Control: no-cache`. A list changes at every
 * revocation, not only when it is re-signed: a max-age (we had "until the
 * re-signing", ~12 h) let a CDN, a proxy or the browser running the web
 * verifier keep answering the pre-revocation list for hours. With no-cache
 * every cache revalidates, and `If-None-Match` with the current tag answers
 * 304 without a body, so revalidation costs a round trip, not a download or
 * a re-verification.
 */
export function statusListRoute(issuer: StatusListSource) {
  return async (req: Request, res: Response): Promise<void> => {
    const listId = String(req.params.id);
    const signed = await issuer.getSignedStatusList(listId);
    const etag = etagOf(listId, signed);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-cache');
    if (notModified(req, etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/vc+ld+json').send(JSON.stringify(signed.credential));
  };
}

/**
 * GET /status-lists/ — the index of every published list, by issuer DID:
 * `{ "type": "StatusListIndex", "issuers": { "<did>": { "<list name>": "<validFrom>" } } }`.
 * A verifier whose trust bundle names this URL as an issuer's
 * `statusListPrefix` learns from it which lists exist and which it already
 * holds (same `validFrom`), and downloads only the others. Unsigned: see the
 * verifier's status-list-index.ts for why a signature would add nothing.
 * Served with an ETag of its own, so an unchanged index is a 304 too. The
 * issuer builds it from one storage read and never signs here (see
 * lib/stored-status-list-index.ts): one unpublishable list cannot make it fail.
 */
export function statusListIndexRoute(issuer: StatusListSource) {
  // The issuer keeps its index for a few seconds: while it does, each request
  // reuses the body and tag instead of serialising and hashing thousands of entries again.
  const bodies = new WeakMap<object, { body: string; etag: string }>();
  return async (req: Request, res: Response): Promise<void> => {
    const index = await statusListIndex(issuer);
    let served = bodies.get(index);
    if (served === undefined) {
      const body = JSON.stringify(index);
      served = { body, etag: `"${sha256Hex(body)}"` };
      bodies.set(index, served);
    }
    const { body, etag } = served;
    res.setHeader('ETag', etag);
    // The index changes with every status change: caches revalidate each time.
    res.setHeader('Cache-Control', 'no-cache');
    if (notModified(req, etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(body);
  };
}

/**
 * The public status list routes (`GET /status-lists/` index and
 * `GET /status-lists/:id`) over any source of signed lists, gzip-compressed
 * for clients that accept it unless `compress` is false. `createApp` mounts
 * it; a benchmark can serve synthetic lists through the very same code.
 *
 * @example
 * app.use(statusListRouter(issuer, { now: () => new Date() }));
 */
export function statusListRouter(
  source: StatusListSource,
  options: { now?: () => Date; compress?: boolean } = {},
): Router {
  const router = Router();
  mountStatusListRoutes(router, source, options);
  return router;
}

/** Registers the status list routes on `app` itself (createApp: the OpenAPI test reads its routes). */
export function mountStatusListRoutes(
  app: Pick<Router, 'use' | 'get'>,
  source: StatusListSource,
  options: { now?: () => Date; compress?: boolean } = {},
): void {
  // A list of a fresh ministry is under 1 kB, the library's default threshold; gzip pays from ~500 bytes.
  if (options.compress !== false) app.use('/status-lists', compression({ threshold: 512 }));
  app.get('/status-lists/', statusListIndexRoute(source));
  app.get('/status-lists/:id', statusListRoute(source));
}

/** GET /:ministry/did.json — the ministry's did:web document. */
export function didRoute(issuer: Issuer) {
  return (req: Request, res: Response): void => {
    const doc = issuer.didDocument(String(req.params.ministry));
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/did+json').send(JSON.stringify(doc));
  };
}
