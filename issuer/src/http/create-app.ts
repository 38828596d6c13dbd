import { VneidError } from '@vneid/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { type Logger, pino } from 'pino';
import type { Issuer } from '../create-issuer.js';
import { type ApiKeyEntry, authenticate } from './auth.js';
import { DEFAULT_BODY_LIMIT, jsonBody } from './body.js';
import { issueRoute } from './issue-route.js';
import { openApiDocument } from './openapi.js';
import { errorMiddleware } from './problem.js';
import { didRoute, statusListRoute } from './public-routes.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions, rateLimit } from './rate-limit.js';
import { statusRoute } from './status-route.js';
import { verifyPage } from './verify-page.js';

export type { ApiKeyEntry, RateLimitOptions };

/** Dependencies of {@link createApp}. */
export interface CreateAppOptions {
  issuer: Issuer;
  /** API keys (hashed) and the ministry each acts for. */
  apiKeys: readonly ApiKeyEntry[];
  /** pino logger; default: info level to stdout. */
  logger?: Logger;
  /** Per-key token bucket; default 60 requests per minute. */
  rateLimit?: RateLimitOptions;
  /** Request body cap in bytes; default 256 KiB. */
  bodyLimit?: number;
  now?: () => Date;
}

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

  app.use((req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          route: req.route?.path ?? null,
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - start) / 1000n) / 1000,
          ministry: res.locals.ministry ?? null,
          code: res.locals.code ?? null,
        },
        'request',
      );
    });
    next();
  });

  const auth = authenticate(options.apiKeys);
  const limit = rateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const body = jsonBody(options.bodyLimit ?? DEFAULT_BODY_LIMIT);

  app.post('/credentials/issue', auth, limit, body, issueRoute(issuer));
  app.post('/credentials/status', auth, limit, body, statusRoute(issuer));
  app.get('/status-lists/:id', statusListRoute(issuer, now));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(openApiDocument);
  });
  app.get('/:ministry/did.json', didRoute(issuer));
  app.use('/verify', verifyPage(options));

  app.use(() => {
    throw new VneidError('NOT_FOUND', 'no such resource');
  });
  app.use(errorMiddleware(logger));
  return app;
}
