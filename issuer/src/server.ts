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
