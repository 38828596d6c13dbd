import { createHash } from 'node:crypto';
import { VneidError } from '@vneid/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { type Logger, pino } from 'pino';
import type { Issuer } from '../create-issuer.js';
import { createMonitoring, type Monitoring } from '../monitoring/monitoring.js';
import type { Oid4vciService } from '../oid4vci/create-oid4vci-service.js';
import { mountAdminRoutes } from './admin-routes.js';
import { type ApiKeyEntry, authenticate } from './auth.js';
import { type BatchLimits, DEFAULT_BATCH_LIMITS, mountBatchRoutes } from './batch-routes.js';
import { type BatchRunner, createBatchRunner } from './batch-runner.js';
import { DEFAULT_BODY_LIMIT, jsonBody } from './body.js';
import { issueRoute } from './issue-route.js';
import { healthRoute, metricsRoute, readyRoute } from './monitoring-routes.js';
import { type Oid4vciRateLimitOptions, oid4vciOfferRoute, oid4vciProtocolRouter } from './oid4vci-routes.js';
import { openApiDocument } from './openapi.js';
import { errorMiddleware } from './problem.js';
import { didRoute, mountStatusListRoutes } from './public-routes.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions, rateLimit } from './rate-limit.js';
import { createSecurityAudit, type SecurityAuditOptions } from './security-audit.js';
import { statusRoute } from './status-route.js';
import { verifyPage } from './verify-page.js';
import { mountVerifyRelay } from './verify-relay.js';

export type { ApiKeyEntry, BatchLimits, RateLimitOptions };

/** Dependencies of {@link createApp}. */
export interface CreateAppOptions {
  issuer: Issuer;
  /**
   * Fixed API keys (hashed) and the ministry each acts for, beside those in
   * the issuer's store (which are looked up on every request, so keys
   * created or revoked through the admin API count at once). Default none.
   */
  apiKeys?: readonly ApiKeyEntry[];
  /** SHA-256 (64 hex digits) of the admin bearer token: serves the admin API under /admin/. Without it /admin/ is 404. */
  adminTokenSha256?: string;
  /** Runs asynchronous batches; default one made here (a service passes its own to resume and close it). */
  batchRunner?: BatchRunner;
  /** Caps of a batch submission; default {@link DEFAULT_BATCH_LIMITS}. */
  batchLimits?: Partial<BatchLimits>;
  /** pino logger; default: info level to stdout. */
  logger?: Logger;
  /** Per-key token bucket; default 60 requests per minute. */
  rateLimit?: RateLimitOptions;
  /** Request body cap in bytes; default 256 KiB. */
  bodyLimit?: number;
  /** Metrics and probes; default {@link createMonitoring} with its defaults. */
  monitoring?: Monitoring;
  /** Bearer token a scraper presents at `/metrics`; without it only loopback clients may scrape. */
  metricsToken?: string;
  /** express `trust proxy`: set when a TLS-terminating proxy sits in front, so client addresses are the real ones. */
  trustProxy?: boolean | number | string;
  now?: () => Date;
  /**
   * gzip the status lists and their index for clients that accept it (they
   * shrink several times; a phone syncing thousands of lists feels it).
   * Default true; false turns it off.
   */
  compress?: boolean;
  /** Bound on security events written to the audit log (failed authentication, cross-ministry, rate limit). */
  securityAudit?: SecurityAuditOptions;
  /** Serves OpenID4VCI (offers for ministries, metadata, token, nonce, credential) when given. */
  oid4vci?: { service: Oid4vciService; rateLimit?: Oid4vciRateLimitOptions };
}

// Route names for the latency histogram and the access log: a fixed set, never a path with ids in it.
const ROUTE_NAMES: Record<string, string> = {
  '/credentials/issue': 'issue',
  '/credentials/status': 'status',
  '/status-lists/': 'status-list-index',
  '/status-lists/:id': 'status-list',
  '/:ministry/did.json': 'did',
  '/health': 'health',
  '/ready': 'ready',
  '/metrics': 'metrics',
  '/openapi.json': 'openapi',
};
/** Routes whose every request goes to the access log: issuing and administration. */
const ACCESS_LOGGED = new Set(['issue', 'status', 'admin', 'batch']);
const BEARER = /^Bearer (.{1,256})$/;

/**
 * The issuer's HTTP service (express 5) without a listener: W3C VC API style
 * issue and status endpoints behind per-ministry API keys, the public status
 * lists and DID documents, health and the OpenAPI description. Every error is
 * an RFC 9457 problem with a stable code; logs carry method, route, status,
 * duration, ministry and code — never subjects or credentials.
 *
 * @example
 * const app = createApp({ issuer, apiKeys: [{ ministry: 'bo-cong-an', sha256: hashApiKey(key) }] });
 * http.createServer(app).listen(8080, '127.0.0.1');
 */
export function createApp(options: CreateAppOptions): Express {
  const { issuer } = options;
  const logger = options.logger ?? pino({ name: 'vneid-issuer' });
  const now = options.now ?? (() => new Date());
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);

  const monitoring = options.monitoring ?? createMonitoring(issuer, { now });
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const routePath = typeof req.route?.path === 'string' ? req.route.path : undefined;
      const route =
        (res.locals.routeName as string | undefined) ?? (routePath ? ROUTE_NAMES[routePath] : undefined) ?? 'other';
      // A cross-ministry attempt answers UNKNOWN_CREDENTIAL; metrics and the access log (internal) keep what it was.
      const crossMinistry =
        (res.locals.securityEvent as { kind?: string } | undefined)?.kind === 'cross-ministry-refused';
      const code = crossMinistry ? 'FORBIDDEN' : ((res.locals.code as string | undefined) ?? undefined);
      const presented = BEARER.exec(req.get('authorization') ?? '')?.[1];
      // The SHA-256 of the presented key: what the key store holds, so an operator can match it, and no secret.
      const keyHash =
        (res.locals.apiKeyId as string | undefined) ??
        (presented ? createHash('sha256').update(presented, 'utf8').digest('hex') : undefined);
      monitoring.observe({
        route,
        status: res.statusCode,
        seconds,
        ...(res.locals.ministry ? { ministry: String(res.locals.ministry) } : {}),
        ...(res.locals.credentialType ? { type: String(res.locals.credentialType) } : {}),
        ...(res.locals.action ? { action: String(res.locals.action) } : {}),
        ...(code ? { code } : {}),
        ...(req.ip ? { address: req.ip } : {}),
        ...(keyHash ? { keyHash } : {}),
      });
      const entry = {
        method: req.method,
        route: routePath ?? null,
        status: res.statusCode,
        ms: Math.round(seconds * 1e6) / 1000,
        ministry: res.locals.ministry ?? null,
        code: code ?? null,
      };
      if (!ACCESS_LOGGED.has(route)) {
        logger.info(entry, 'request');
        return;
      }
      // Who, what and the outcome; never the body, a subject, a credential id or the key itself.
      logger.info(
        {
          log: 'access',
          ...entry,
          keyId: keyHash ? keyHash.slice(0, 16) : null,
          action: (res.locals.action as string | undefined) ?? route,
          type: res.locals.credentialType ?? null,
          outcome: res.statusCode < 400 ? 'ok' : res.statusCode < 500 ? 'refused' : 'error',
          address: req.ip ?? null,
        },
        'request',
      );
    });
    next();
  });

  const auth = authenticate(options.apiKeys ?? [], (sha256) => issuer.findApiKey(sha256));
  const limit = rateLimit(issuer, options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const body = jsonBody(options.bodyLimit ?? DEFAULT_BODY_LIMIT);

  app.post('/credentials/issue', auth, limit, body, issueRoute(issuer));
  app.post('/credentials/status', auth, limit, body, statusRoute(issuer));
  const batchRunner = options.batchRunner ?? createBatchRunner(issuer, { now, logger });
  mountBatchRoutes(app, batchRunner, [auth, limit], { ...DEFAULT_BATCH_LIMITS, ...options.batchLimits });
  if (options.adminTokenSha256 !== undefined) {
    mountAdminRoutes(app, issuer, { tokenSha256: options.adminTokenSha256, jsonBody: body, now });
  }
  mountStatusListRoutes(app, issuer, { now, compress: options.compress });
  app.get('/health', healthRoute());
  app.get('/ready', readyRoute(issuer, monitoring));
  app.get('/metrics', metricsRoute(monitoring, options.metricsToken));
  app.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(openApiDocument);
  });
  app.get('/:ministry/did.json', didRoute(issuer));
  if (options.oid4vci) {
    const { service, rateLimit: oid4vciLimit } = options.oid4vci;
    app.post('/oid4vci/offers', auth, limit, body, oid4vciOfferRoute(service));
    app.use(oid4vciProtocolRouter(service, { jsonBody: body, ...(oid4vciLimit ? { rateLimit: oid4vciLimit } : {}) }));
  }
  if (options.verifyRelay !== false) mountVerifyRelay(app, options.verifyRelay ?? {});
  app.use('/verify', verifyPage(options));

  app.use(() => {
    throw new VneidError('NOT_FOUND', 'no such resource');
  });
  app.use(errorMiddleware(logger, createSecurityAudit(issuer, logger, options.securityAudit)));
  return app;
}
