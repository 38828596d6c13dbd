import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

/** Every attempt recorded here made a test fail: nothing may reach the network. */
export const networkAttempts: string[] = [];

/**
 * Makes every network API of Node throw (sockets, http(s), tls, dns, udp,
 * fetch). Import it first in a test file; ava runs each file in its own
 * process, so the patch covers the whole file and nothing else.
 */
export function forbidNetwork(): void {
  const deny = (what: string) =>
    function denied(..._args: unknown[]): never {
      networkAttempts.push(what);
      throw new Error(`network access attempted: ${what}`);
    };
  (net.Socket.prototype as unknown as { connect: unknown }).connect = deny('net.Socket.connect');
  (net as unknown as Record<string, unknown>).connect = deny('net.connect');
  (net as unknown as Record<string, unknown>).createConnection = deny('net.createConnection');
  (tls as unknown as Record<string, unknown>).connect = deny('tls.connect');
  (http as unknown as Record<string, unknown>).request = deny('http.request');
  (http as unknown as Record<string, unknown>).get = deny('http.get');
  (https as unknown as Record<string, unknown>).request = deny('https.request');
  (https as unknown as Record<string, unknown>).get = deny('https.get');
  (dns as unknown as Record<string, unknown>).lookup = deny('dns.lookup');
  (dns.promises as unknown as Record<string, unknown>).lookup = deny('dns.promises.lookup');
  (dgram as unknown as Record<string, unknown>).createSocket = deny('dgram.createSocket');
  (globalThis as unknown as Record<string, unknown>).fetch = deny('fetch');
}
