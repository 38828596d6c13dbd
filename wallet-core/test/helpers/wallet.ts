import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { openWallet, type Wallet, type WalletOptions } from '../../src/index.js';

/** The wallet clock in tests: inside every test credential's validity window. */
export const NOW = new Date('2026-06-01T08:00:00Z');
export const PASSPHRASE = 'Mật khẩu ví của Khải 2026';

/** A fresh temp folder, removed when the test ends. */
export async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vneid-wallet-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a new wallet in a fresh folder; closed when the test ends. */
export async function newWallet(
  t: ExecutionContext,
  options: Partial<WalletOptions> = {},
): Promise<{ wallet: Wallet; path: string }> {
  const path = options.path ?? join(await tempDir(t), 'wallet');
  const wallet = await openWallet({ path, passphrase: PASSPHRASE, now: () => NOW, ...options });
  t.teardown(() => wallet.close());
  return { wallet, path };
}

/** Every file of a folder, recursively, as bytes. */
export async function readAllFiles(dir: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const name = join(entry.parentPath, entry.name);
      out.push({ name, bytes: await readFile(name) });
    }
  }
  return out;
}

/** A QueryByExample request for `fields` of one credential type. */
export function requestFor(
  type: string,
  fields: string[],
  options: { challenge?: string; domain?: string; trustedIssuer?: string[]; reason?: string } = {},
) {
  return {
    query: [
      {
        type: 'QueryByExample' as const,
        credentialQuery: {
          ...(options.reason ? { reason: options.reason } : {}),
          example: { type, credentialSubject: Object.fromEntries(fields.map((f) => [f, ''])) },
          ...(options.trustedIssuer ? { trustedIssuer: options.trustedIssuer.map((issuer) => ({ issuer })) } : {}),
        },
      },
    ],
    challenge: options.challenge ?? 'challenge-0001-c0ffee',
    domain: options.domain ?? 'nganhang.example.vn',
  };
}

/** The citizen reads the preview and accepts everything it shows (tests of what follows consent). */
export async function presentWithConsent(wallet: import('../../src/index.js').Wallet, request: unknown) {
  const shown = await wallet.preview(request);
  return wallet.present(request, shown.consent);
}
