import { canonicalJson, sha256Hex } from '@vneid/core';
import type { Request, Response } from 'express';
import type { Issuer } from '../create-issuer.js';

/**
 * GET /status-lists/:id — the signed list with a strong ETag (hash of its
 * canonical JSON) and a max-age that ends when the issuer would re-sign it,
 * so caches never hold a copy past its validUntil.
 */
export function statusListRoute(issuer: Issuer, now: () => Date) {
  return async (req: Request, res: Response): Promise<void> => {
    const signed = await issuer.getSignedStatusList(String(req.params.id));
    const etag = `"${sha256Hex(canonicalJson(signed.credential))}"`;
    const signedAt = Date.parse(signed.signedAt);
    const half = (Date.parse(signed.validUntil) - signedAt) / 2;
    const maxAge = Math.max(0, Math.floor((signedAt + half - now().getTime()) / 1000));
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', `public, max-age=${maxAge}`);
    const inm = req.get('if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      res.status(304).end();
      return;
    }
    res.type('application/vc+ld+json').send(JSON.stringify(signed.credential));
  };
}

/** GET /:ministry/did.json — the ministry's did:web document. */
export function didRoute(issuer: Issuer) {
  return (req: Request, res: Response): void => {
    const doc = issuer.didDocument(String(req.params.ministry));
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('application/did+json').send(JSON.stringify(doc));
  };
}
