import { createHash, timingSafeEqual } from 'node:crypto';
import { type KeyType, MalformedValueError, VneidError } from '@vneid/core';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Issuer } from '../create-issuer.js';
import { type ApiKeyRecord, apiKeyId } from '../storage/contract.js';
import type { AuditHead } from '../verify-audit-log.js';
import { generateApiKey, hashApiKey } from './auth.js';

/** Options of {@link mountAdminRoutes}. */
export interface AdminRouterOptions {
  /** SHA-256 (64 hex digits) of the admin bearer token. */
  tokenSha256: string;
  /** The JSON body middleware (size and shape limits). */
  jsonBody: (req: Request, res: Response, next: NextFunction) => Promise<void>;
  now: () => Date;
  /** Refused admin requests written to the audit chain per minute at most (the rest only counted); default 60. */
  auditRefusalsPerMinute?: number;
  /** Wrong admin tokens accepted per client address and minute before even the right one is refused; default 30. */
  failuresPerMinute?: number;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/;
const KEY_ID = /^[0-9a-f]{16}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a listing shows of a key: never its hash. */
function publicKey(r: ApiKeyRecord) {
  return {
    id: apiKeyId(r.sha256),
    ministry: r.ministry,
    createdAt: r.createdAt ?? null,
    revokedAt: r.revokedAt ?? null,
  };
}

/**
 * Checks the admin bearer token: its SHA-256 against the configured one in
 * constant time. Only that token passes; a ministry API key is refused like
 * any other wrong token. Refusals are counted in the metrics (as
 * UNAUTHENTICATED on route `admin`) and written to the audit chain, at most
 * `perMinute` a minute so that a flood of guesses cannot grow the chain
 * without bound.
 */
export function authenticateAdmin(
  issuer: Issuer,
  tokenSha256: string,
  now: () => Date,
  perMinute = 60,
  failuresPerMinute = 30,
) {
  const expected = Buffer.from(tokenSha256, 'hex');
  if (expected.length !== 32 || !/^[0-9a-f]{64}$/i.test(tokenSha256)) {
    throw new TypeError('the admin token SHA-256 must be 64 hex digits');
  }
  let window = { minute: -1, audited: 0, suppressed: 0 };
  // Failures per client address in the current minute: the operator chose the token, so
  // guessing is bounded here whatever its strength. Bounded memory: the map starts afresh each minute.
  let failures = { minute: -1, byAddress: new Map<string, number>() };
  const failuresOf = (minute: number): Map<string, number> => {
    if (failures.minute !== minute || failures.byAddress.size > 10_000) failures = { minute, byAddress: new Map() };
    return failures.byAddress;
  };
  const refuse = async (req: Request, reason: string): Promise<never> => {
    const minute = Math.floor(now().getTime() / 60_000);
    const byAddress = failuresOf(minute);
    const address = req.ip ?? '';
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    if (window.minute !== minute) window = { minute, audited: 0, suppressed: window.suppressed };
    if (window.audited < perMinute) {
      window.audited += 1;
      const suppressed = window.suppressed;
      window.suppressed = 0;
      await issuer
        .audit('admin.refused', { reason, address: req.ip ?? null, ...(suppressed > 0 ? { suppressed } : {}) })
        .catch(() => undefined);
    } else {
      window.suppressed += 1;
    }
    throw new VneidError('UNAUTHENTICATED', 'the admin token is not valid');
  };
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals.routeName = 'admin';
    // Over the limit even the right token is refused, or the limit would not stop a guesser.
    const at = now().getTime();
    if ((failuresOf(Math.floor(at / 60_000)).get(req.ip ?? '') ?? 0) >= failuresPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((60_000 - (at % 60_000)) / 1000));
      throw new VneidError('RATE_LIMITED', 'too many wrong admin tokens from this address', {
        details: { retryAfter },
      });
    }
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) return refuse(req, 'missing');
    const presented = createHash('sha256')
      .update(match[1] as string, 'utf8')
      .digest();
    if (!timingSafeEqual(presented, expected)) return refuse(req, 'wrong-token');
    res.locals.admin = true;
    next();
  };
}

/**
 * The admin API under `/admin/`, for operators while the service runs:
 * API keys (create, list, revoke, rotate), ministries, signing key
 * rotation, issuance record lookup and the audit chain check. Every change
 * is in the audit chain; API key changes count from the next request.
 */
export function mountAdminRoutes(app: Express, issuer: Issuer, options: AdminRouterOptions): void {
  // Routes on the app itself (not a sub-router), so the OpenAPI test sees every one of them.
  const router = {
    get: (path: string, ...handlers: Handler[]) => app.get(`/admin${path}`, ...handlers),
    post: (path: string, ...handlers: Handler[]) => app.post(`/admin${path}`, ...handlers),
  };
  app.use(
    '/admin',
    authenticateAdmin(
      issuer,
      options.tokenSha256,
      options.now,
      options.auditRefusalsPerMinute,
      options.failuresPerMinute,
    ),
  );
  const action = (name: string) => (_req: Request, res: Response, next: NextFunction) => {
    res.locals.action = name;
    next();
  };
  const keyIdOf = (req: Request): string => {
    const id = String(req.params.id);
    if (!KEY_ID.test(id))
      throw new MalformedValueError('an API key id is 16 hex digits', { details: { pointer: '/id' } });
    return id;
  };
  const create = async (ministry: string, event: string, extra: Record<string, unknown> = {}) => {
    issuer.getMinistry(ministry); // UNKNOWN_MINISTRY before anything is stored
    const apiKey = generateApiKey();
    const sha256 = hashApiKey(apiKey);
    const createdAt = options.now().toISOString();
    await issuer.addApiKey({ ministry, sha256, createdAt });
    await issuer.audit(event, { keyId: apiKeyId(sha256), ministry, ...extra });
    return { id: apiKeyId(sha256), ministry, createdAt, apiKey };
  };

  router.get('/api-keys', action('admin.api-key.list'), async (_req, res) => {
    res.json({ apiKeys: (await issuer.apiKeys()).map(publicKey) });
  });
  router.post('/api-keys', action('admin.api-key.create'), options.jsonBody, async (req, res) => {
    const body = req.body as unknown;
    if (!isObject(body) || typeof body.ministry !== 'string') {
      throw new MalformedValueError('body must be { ministry }', { details: { pointer: '/ministry' } });
    }
    res.locals.ministry = body.ministry;
    // The key is in this answer only; the store keeps its SHA-256.
    res.status(201).json(await create(body.ministry, 'api-key.create'));
  });
  router.post('/api-keys/:id/revoke', action('admin.api-key.revoke'), async (req, res) => {
    const revoked = await issuer.revokeApiKey(keyIdOf(req));
    if (!revoked) throw new VneidError('NOT_FOUND', 'no API key with this id');
    res.locals.ministry = revoked.ministry;
    res.json(publicKey(revoked));
  });
  router.post('/api-keys/:id/rotate', action('admin.api-key.rotate'), async (req, res) => {
    const id = keyIdOf(req);
    const old = (await issuer.apiKeys()).find((k) => apiKeyId(k.sha256) === id);
    if (!old) throw new VneidError('NOT_FOUND', 'no API key with this id');
    if (old.revokedAt) throw new VneidError('API_KEY_REVOKED', 'this API key is revoked: create a new one instead');
    res.locals.ministry = old.ministry;
    // The new key exists before the old one stops: a client can switch without a gap.
    const created = await create(old.ministry, 'api-key.rotate', { replaces: id });
    await issuer.revokeApiKey(id);
    res.status(201).json({ ...created, replaces: id });
  });

  router.post('/ministries', action('admin.ministry.add'), options.jsonBody, async (req, res) => {
    const body = req.body as unknown;
    if (!isObject(body) || !isObject(body.name)) {
      throw new MalformedValueError('body must be { slug, name: { vi, en }, role, allowGeneralCredentials? }');
    }
    const { slug, name, role, allowGeneralCredentials } = body;
    if (allowGeneralCredentials !== undefined && typeof allowGeneralCredentials !== 'boolean') {
      throw new MalformedValueError('allowGeneralCredentials must be a boolean', {
        details: { pointer: '/allowGeneralCredentials' },
      });
    }
    const info = await issuer.addMinistry({
      slug: slug as string,
      name: name as { vi: string; en: string },
      role: role as string,
      ...(allowGeneralCredentials !== undefined ? { allowGeneralCredentials } : {}),
    });
    res.locals.ministry = info.slug;
    res.status(201).json(info);
  });
  router.post('/ministries/:slug/keys/rotate', action('admin.key.rotate'), options.jsonBody, async (req, res) => {
    const body = req.body as unknown;
    const keyType = isObject(body) ? (body.keyType ?? 'P-256') : undefined;
    if (keyType !== 'P-256' && keyType !== 'Ed25519') {
      throw new MalformedValueError('keyType must be P-256 or Ed25519', { details: { pointer: '/keyType' } });
    }
    const activateAt = isObject(body) ? body.activateAt : undefined;
    const slug = String(req.params.slug);
    res.locals.ministry = issuer.getMinistry(slug).slug;
    // activateAt is checked by rotateKey: MALFORMED_VALUE_ERROR (400) or KEY_ACTIVATION_INVALID (422).
    const options = activateAt === undefined ? {} : { activateAt: activateAt as string };
    res.status(201).json(await issuer.rotateKey(slug, keyType as KeyType, options));
  });
  router.get('/credentials/:id', action('admin.record.get'), async (req, res) => {
    const record = await issuer.getRecord(String(req.params.id));
    res.locals.ministry = record.ministry;
    res.json(record);
  });
  router.post('/audit/check', action('admin.audit.check'), options.jsonBody, async (req, res) => {
    const body = req.body as unknown;
    const anchor = isObject(body) ? body.anchor : undefined;
    if (
      anchor !== undefined &&
      !(isObject(anchor) && Number.isInteger(anchor.seq) && typeof anchor.hash === 'string')
    ) {
      throw new MalformedValueError('anchor must be { seq, hash }', { details: { pointer: '/anchor' } });
    }
    const result = await issuer.verifyAuditLog(anchor ? { anchor: anchor as unknown as AuditHead } : {});
    res.json(result);
  });
  app.use('/admin', () => {
    throw new VneidError('NOT_FOUND', 'no such admin resource');
  });
}

// Any express handler (async or not, with route params).
type Handler = (req: Request, res: Response, next: NextFunction) => unknown;
