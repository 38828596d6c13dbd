// A police device's status sync at national scale: one ministry whose 100
// million credentials fill 3,052 status lists (one revocation and one
// suspension slot each, 65,536 credentials per list). The lists are signed
// here for real (ecdsa-rdfc-2019, as the issuer signs them) and served over
// real HTTP by the issuer's own status list router (index, ETags, gzip); the
// verifier's syncStatus runs once into an empty cache (the full sync) and
// again after 1 % of the lists changed (the re-sync). Bytes are counted on
// the server's sockets, both directions, headers included.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDidDocument,
  createDocumentLoader,
  createOfflineDidResolver,
  createStatusList,
  createStatusListCredential,
  generateKeyPair,
  type JsonObject,
  signCredential,
} from '@vneid/core';
import { type StatusListSource, statusListRouter } from '@vneid/issuer';
import { registeredContexts } from '@vneid/schemas';
import { createTrustBundle, loadTrustBundle, openStatusCache, signTrustBundle, syncStatus } from '@vneid/verifier';
import express from 'express';

export const STATUS_LISTS = 3_052;

/** Bytes and seconds of the full sync and of the re-sync after 1 % changed. */
export interface StatusSyncFacts {
  lists: number;
  changed: number;
  full: { bytes: number; seconds: number; verified: number; requests: number };
  resync: { bytes: number; seconds: number; verified: number; requests: number };
  /** resync / full. Goal: ≤ 0.05. */
  bytesRatio: number;
  secondsRatio: number;
}

interface Signed {
  credential: JsonObject;
  signedAt: string;
  validUntil: string;
}

export async function measureStatusSync(log: (line: string) => void): Promise<StatusSyncFacts> {
  const did = 'did:web:bocongan.gov.vn';
  const key = await generateKeyPair({ keyType: 'P-256', controller: did, id: `${did}#key-1` });
  const anchor = await generateKeyPair({ keyType: 'Ed25519' });
  const documentLoader = createDocumentLoader({
    contexts: registeredContexts() as Map<string, Record<string, unknown>>,
    resolver: createOfflineDidResolver({
      documents: [
        createDidDocument({ did, verificationMethods: [{ id: key.id, publicKeyMultibase: key.publicKeyMultibase }] }),
      ],
    }),
  });
  const now = new Date();
  const lists = new Map<string, Signed>();
  const source: StatusListSource = {
    statusListRefresh: 43_200,
    statusListIds: () => [...lists.keys()],
    getSignedStatusList: async (id) => lists.get(id) as Signed,
  };
  const app = express();
  app.use(statusListRouter(source, { now: () => now }));
  const server: Server = createServer(app);
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesRead + socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const prefix = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status-lists/`;
  const wire = () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesRead + s.bytesWritten, 0);
  const dir = await mkdtemp(join(tmpdir(), 'vneid-bench-sync-'));
  try {
    const sign = async (name: string, purpose: 'revocation' | 'suspension', validFrom: Date, revoked: number[]) => {
      const list = createStatusList();
      for (const i of revoked) list.setStatus(i, true);
      const validUntil = new Date(validFrom.getTime() + 86_400_000);
      const unsigned = await createStatusListCredential({
        id: `${prefix}${name}`,
        issuer: did,
        statusPurpose: purpose,
        list,
        validFrom,
        validUntil,
      });
      const credential = await signCredential({
        credential: unsigned,
        key,
        cryptosuite: 'ecdsa-rdfc-2019',
        documentLoader,
        now: validFrom,
      });
      lists.set(name, { credential, signedAt: validFrom.toISOString(), validUntil: validUntil.toISOString() });
    };
    const t0 = new Date(now.getTime() - 3_600_000);
    const names: Array<{ name: string; purpose: 'revocation' | 'suspension' }> = [];
    for (const purpose of ['revocation', 'suspension'] as const) {
      for (let i = 1; i <= STATUS_LISTS / 2; i++) names.push({ name: `bo-cong-an-${purpose}-${i}`, purpose });
    }
    // A few revocations per list, as in a list in service (random positions: herd privacy).
    const some = () => Array.from({ length: 50 }, () => Math.floor(Math.random() * 131_072));
    const signStart = performance.now();
    for (const { name, purpose } of names) await sign(name, purpose, t0, some());
    log(`  signed ${STATUS_LISTS} lists in ${((performance.now() - signStart) / 1000).toFixed(1)} s`);

    const bundle = await signTrustBundle(
      createTrustBundle({
        version: 1,
        issuedAt: new Date(now.getTime() - 86_400_000),
        validUntil: new Date(now.getTime() + 30 * 86_400_000),
        issuers: [
          {
            id: did,
            name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
            credentialTypes: ['CitizenIdentityCard', 'DrivingLicence'],
            verificationMethods: [
              {
                id: key.id,
                type: 'Multikey',
                publicKeyMultibase: key.publicKeyMultibase,
                validFrom: new Date(now.getTime() - 86_400_000).toISOString(),
              },
            ],
            statusListPrefix: prefix,
          },
        ],
      }),
      anchor,
    );
    const loaded = await loadTrustBundle(JSON.stringify(bundle), { anchorKey: anchor, now });
    const cache = await openStatusCache({ path: join(dir, 'status') });
    try {
      const run = async () => {
        const before = wire();
        const start = performance.now();
        const report = await syncStatus(loaded, { cache, now });
        const seconds = (performance.now() - start) / 1000;
        if (!report.ok)
          throw new Error(`status sync failed: ${JSON.stringify(report.results.find((r) => r.result === 'failed'))}`);
        return { bytes: wire() - before, seconds, verified: report.stats.verified, requests: report.stats.requests };
      };
      const full = await run();
      log(
        `  full sync: ${(full.bytes / 1e6).toFixed(2)} MB on the wire, ${full.seconds.toFixed(1)} s, ${full.verified} lists verified`,
      );
      const changed = Math.round(STATUS_LISTS / 100);
      const t1 = new Date(t0.getTime() + 60_000);
      for (let i = 0; i < changed; i++) {
        const { name, purpose } = names[Math.floor((i * names.length) / changed)]!;
        await sign(name, purpose, t1, some());
      }
      const resync = await run();
      if (resync.verified !== changed)
        throw new Error(`re-sync verified ${resync.verified} lists, expected ${changed}`);
      const facts: StatusSyncFacts = {
        lists: STATUS_LISTS,
        changed,
        full,
        resync,
        bytesRatio: resync.bytes / full.bytes,
        secondsRatio: resync.seconds / full.seconds,
      };
      log(
        `  re-sync after ${changed} lists (1 %) changed: ${(resync.bytes / 1e3).toFixed(1)} kB, ${resync.seconds.toFixed(2)} s — ` +
          `${(facts.bytesRatio * 100).toFixed(2)} % of the full sync's bytes, ${(facts.secondsRatio * 100).toFixed(2)} % of its time (goal ≤ 5 %)`,
      );
      return facts;
    } finally {
      await cache.close();
    }
  } finally {
    server.closeAllConnections();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
