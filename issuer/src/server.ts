import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { type CreateAppOptions, createApp } from './http/create-app.js';

/** Options of {@link startServer}: the app's dependencies plus where to listen. */
export interface ServerOptions extends CreateAppOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: exposing the service is a deliberate choice. */
  host?: string;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** A listening service. */
export interface StartedServer {
  server: http.Server | https.Server;
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens with the issuer app over HTTP, or HTTPS when `tls` is given, with
 * request and header timeouts so slow clients cannot hold sockets forever.
 *
 * @example
 * const { url, close } = await startServer({ issuer, apiKeys, port: 8080 });
 */
export async function startServer(options: ServerOptions): Promise<StartedServer> {
  const app = createApp(options);
  const host = options.host ?? '127.0.0.1';
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, app)
    : http.createServer(app);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A port bound before the service exists: answers 503 until {@link BoundPort.attach} hands it the app. */
export interface BoundPort extends StartedServer {
  attach(options: CreateAppOptions): void;
}

/**
 * Binds the port first, so that a busy port stops the start before any
 * store, key or API key is created (a first start used to create them and
 * then fail, losing the printed API keys).
 */
export async function bindPort(options: Pick<ServerOptions, 'port' | 'host' | 'tls'>): Promise<BoundPort> {
  let handler: http.RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
    res.end(
      JSON.stringify({
        status: 503,
        title: 'Service Unavailable',
        code: 'STARTING',
        detail: 'the service is starting',
      }),
    );
  };
  const app: http.RequestListener = (req, res) => handler(req, res);
  const host = options.host ?? '127.0.0.1';
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, app)
    : http.createServer(app);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    attach(appOptions) {
      handler = createApp(appOptions);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
