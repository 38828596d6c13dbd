import { timingSafeEqual } from 'node:crypto';
import { VneidError } from '@vneid/core';
import type { Request, Response } from 'express';
import type { Issuer } from '../create-issuer.js';
import type { Monitoring } from '../monitoring/monitoring.js';
import { checkReadiness } from '../monitoring/readiness.js';

/** GET /health: the process is alive and answering; says nothing about storage. */
export function healthRoute() {
  return (_req: Request, res: Response): void => {
    res.json({ status: 'ok' });
  };
}

/** GET /ready: 200 when the store answers and every ministry has a signing key, else 503 with the failed check. */
export function readyRoute(issuer: Issuer, monitoring: Monitoring) {
  return async (_req: Request, res: Response): Promise<void> => {
    const readiness = await checkReadiness(issuer);
    if (readiness.checks.storage !== 'ok') monitoring.storageError(readiness.code ?? 'STORAGE_UNAVAILABLE');
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ready' : 'not-ready', ...readiness });
  };
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * GET /metrics (Prometheus text format). Counts per ministry reveal issuance
 * volumes, which the random status-list indexes otherwise hide: with a token
 * configured the scraper must present it as a Bearer token; without one only
 * loopback clients (a sidecar on the host) may scrape. "Client" is `req.ip`:
 * with trust proxy set, every request arrives from the proxy on loopback, so
 * the socket address would let every internet client through; req.ip is the
 * forwarded client (and the socket address when no proxy is trusted).
 */
export function metricsRoute(monitoring: Monitoring, token: string | undefined) {
  const expected = token ? Buffer.from(token, 'utf8') : undefined;
  return async (req: Request, res: Response): Promise<void> => {
    if (expected) {
      const presented = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '', 'utf8');
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        throw new VneidError('UNAUTHENTICATED', 'the metrics token is not valid');
      }
    } else if (!isLoopback(req.ip ?? req.socket.remoteAddress)) {
      throw new VneidError('FORBIDDEN', 'metrics are served to loopback clients unless a metrics token is configured');
    }
    const { contentType, body } = await monitoring.scrape();
    res.type(contentType).send(body);
  };
}
