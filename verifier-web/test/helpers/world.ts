// A whole deployment for the page tests, on 127.0.0.1: the issuer service
// (status lists, DID documents, /verify/ with the built page), one ministry,
// a trust anchor and its signed bundle, and a citizen's wallet.
import { realpathSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  createDocumentLoader,
  createOfflineDidResolver,
  decodeRequestQr,
  encodePresentationQr,
  generateKeyPair,
  type JsonObject,
  type KeyPair,
  type RelyingPartyRegistration,
  readQrImage,
} from '@vneid/core';
import { createApp, createIssuer, type Issuer } from '@vneid/issuer';
import { fixtures, registeredContexts } from '@vneid/schemas';
import { createTrustBundle, signTrustBundle } from '@vneid/verifier';
import { openWallet, type Wallet } from '@vneid/wallet-core';
import QRCode from 'qrcode';

// pngjs comes with qrcode; it is reached through qrcode's own resolution.
const { PNG } = createRequire(realpathSync(new URL('../../node_modules/qrcode/package.json', import.meta.url)))(
  'pngjs',
) as { PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } } };

/** A PNG file's RGBA pixels (pngjs, as qrcode resolves it). */
export function readPng(png: Buffer): { width: number; height: number; data: Buffer } {
  return PNG.sync.read(png);
}

/** The wallet's side of the offline transport: CBOR-LD needs only the contexts. */
const walletLoader = createDocumentLoader({ contexts: registeredContexts() });

export interface PageWorld {
  url: string;
  issuer: Issuer;
  wallet: Wallet;
  anchor: KeyPair;
  pageDir: string;
  dir: string;
  /** Re-signs the trust bundle (a higher version) with these relying parties and serves it to the page. */
  publishBundle(version: number, relyingParties: RelyingPartyRegistration[]): Promise<void>;
  /** The wallet's clock (tests move it with the page's). */
  setWalletNow(now: Date | undefined): void;
  /** A presentation answering the page's challenge, disclosing `fields` of `type`. */
  present(type: string, fields: string[], challenge: string, domain: string): Promise<JsonObject>;
  /** A QR code PNG of the gzip of `presentation`, written to a file. */
  qrFile(presentation: unknown, name: string): Promise<string>;
  /** The wallet scans the page's request QR (a PNG screenshot of it): the request object it decodes. */
  scanRequest(png: Buffer): Record<string, unknown>;
  /** The wallet's answer to a scanned request (preview, consent, present). */
  answer(request: Record<string, unknown>): Promise<JsonObject>;
  /** The offline transport's parts of `presentation` (core codec), split evenly into `count` parts. */
  parts(presentation: JsonObject, count: number): Promise<Uint8Array[]>;
  /** A byte-mode QR code PNG of one part, written to a file. */
  partFile(part: Uint8Array, name: string): Promise<string>;
  close(): Promise<void>;
}

const DAY = 86_400_000;

/** `config`: extra members of the page's config.json (e.g. `oid4vp`). */
export async function createPageWorld(builtDir: string, options: { config?: object } = {}): Promise<PageWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-web-'));
  let handler: http.RequestListener | undefined;
  const server = http.createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const issuer = await createIssuer({
    dataDir: join(dir, 'issuer'),
    passphrase: 'một cụm mật khẩu dài cho kho khoá',
    baseUrl: url,
  });
  await issuer.addMinistry({
    slug: 'bo-cong-an',
    name: { vi: 'Bộ Công an', en: 'Ministry of Public Security' },
    role: 'MinistryOfPublicSecurity',
  });

  const anchor = await generateKeyPair({
    keyType: 'Ed25519',
    controller: 'did:web:trust.vneid.gov.vn',
    id: 'did:web:trust.vneid.gov.vn#anchor-1',
  });
  const now = new Date();
  const bundle = await signTrustBundle(
    createTrustBundle({
      version: 1,
      issuedAt: now,
      validUntil: new Date(now.getTime() + 30 * DAY),
      issuers: issuer.trustBundleIssuers(),
    }),
    anchor,
    { now },
  );
  const pageDir = join(dir, 'page');
  await cp(builtDir, pageDir, { recursive: true });
  await writeFile(join(pageDir, 'trust-bundle.json'), JSON.stringify(bundle));
  await writeFile(
    join(pageDir, 'config.json'),
    JSON.stringify({ anchorKey: anchor.publicKeyMultibase, bundleUrl: 'trust-bundle.json', ...options.config }),
  );
  handler = createApp({
    issuer,
    apiKeys: [],
    verifyPageDir: pageDir,
    logger: { info() {}, error() {}, warn() {} } as never,
  });

  let walletNow: Date | undefined;
  const wallet = await openWallet({
    path: join(dir, 'wallet'),
    passphrase: 'cụm mật khẩu dài của công dân',
    resolver: createOfflineDidResolver({ documents: [issuer.didDocument('bo-cong-an')] }),
    now: () => walletNow ?? new Date(),
  });
  return {
    url,
    issuer,
    wallet,
    anchor,
    pageDir,
    dir,
    async publishBundle(version, relyingParties) {
      const at = new Date();
      const next = await signTrustBundle(
        createTrustBundle({
          version,
          issuedAt: at,
          validUntil: new Date(at.getTime() + 30 * DAY),
          issuers: issuer.trustBundleIssuers(),
          relyingParties,
        }),
        anchor,
        { now: at },
      );
      await writeFile(join(pageDir, 'trust-bundle.json'), JSON.stringify(next));
    },
    setWalletNow(value) {
      walletNow = value;
    },
    async present(type, fields, challenge, domain) {
      const request = {
        query: [
          {
            type: 'QueryByExample' as const,
            credentialQuery: {
              reason: 'Kiểm tra',
              example: { type, credentialSubject: Object.fromEntries(fields.map((f) => [f, ''])) },
            },
          },
        ],
        challenge,
        domain,
      };
      return (await wallet.present(request, (await wallet.preview(request)).consent)).presentation;
    },
    async qrFile(presentation, name) {
      const path = join(dir, `${name}.png`);
      const gz = gzipSync(Buffer.from(JSON.stringify(presentation), 'utf8'), { level: 9 });
      await QRCode.toFile(path, [{ data: gz, mode: 'byte' }], { errorCorrectionLevel: 'M', scale: 6, margin: 4 });
      await (await import('node:fs/promises'))
        .copyFile(path, join(process.cwd(), 'test-artifacts', `qr-${name}.png`))
        .catch(() => {});
      return path;
    },
    scanRequest(png) {
      const image = PNG.sync.read(png);
      const bytes = readQrImage({ data: image.data, width: image.width, height: image.height });
      if (!bytes) throw new Error('no QR code in the request image');
      return decodeRequestQr([bytes]);
    },
    async answer(request) {
      return (await wallet.present(request, (await wallet.preview(request)).consent)).presentation;
    },
    async parts(presentation, count) {
      const [whole] = await encodePresentationQr({ presentation, documentLoader: walletLoader, partCapacity: 1 << 20 });
      // An even split into `count` parts (frameParts splits evenly within the capacity).
      const partCapacity = Math.ceil((whole!.length - 12) / count);
      return encodePresentationQr({ presentation, documentLoader: walletLoader, partCapacity });
    },
    async partFile(part, name) {
      const path = join(dir, `${name}.png`);
      await QRCode.toFile(path, [{ data: part, mode: 'byte' }], { errorCorrectionLevel: 'M', scale: 4, margin: 4 });
      return path;
    },
    async close() {
      await wallet.close();
      await issuer.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export { fixtures };
