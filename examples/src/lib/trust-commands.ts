import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ExportedKeyPair, findVneidError, generateKeyPair, importKeyPair, parseJsonSafely } from '@vneid/core';
import { createIssuer } from '@vneid/issuer';
import {
  createTrustBundle,
  loadTrustBundle,
  signTrustBundle,
  type TrustBundle,
  VERIFIER_LIMITS,
} from '@vneid/verifier';

/** Where the trust CLI writes and reads its settings (injected for tests). */
export interface TrustCliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const USAGE = `usage:
  vneid-trust anchor create --out anchor.json
  vneid-trust bundle create --data DIR [--base-url URL] --out bundle.json [--version N] [--valid-days D]
  vneid-trust bundle sign --in bundle.json --anchor-key anchor.json [--out signed.json]
`;
// The limits verifiers apply: a bundle this command accepts is one they accept.
const BUNDLE_LIMITS = VERIFIER_LIMITS.trustBundle;

async function readJson(path: string, limits: Partial<Parameters<typeof parseJsonSafely>[1]> = {}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read ${path}: ${(cause as Error).message}`);
  }
  return parseJsonSafely(text, limits);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new UsageError(`${name} must be a positive integer`);
  return Number(value);
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(`${name} is required`);
  return value;
}

async function anchorCreate(values: Record<string, string | undefined>, io: TrustCliIo): Promise<void> {
  const out = required(values.out, '--out');
  const key = await generateKeyPair({ keyType: 'Ed25519', controller: values.controller, id: values.id });
  // The secret never leaves this file: owner-only, and never printed.
  await writeFile(out, `${JSON.stringify(key.export({ includeSecret: true }), null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  io.out(`${JSON.stringify({ id: key.id, publicKeyMultibase: key.publicKeyMultibase })}\n`);
}

async function bundleCreate(values: Record<string, string | undefined>, io: TrustCliIo): Promise<void> {
  const out = required(values.out, '--out');
  const version = positiveInt(values.version, '--version', 1);
  const validDays = positiveInt(values['valid-days'], '--valid-days', 30);
  const passphrase = io.env.VNEID_ISSUER_PASSPHRASE;
  if (!passphrase) throw new UsageError('VNEID_ISSUER_PASSPHRASE must be set to open the issuer store');
  const issuer = await createIssuer({
    dataDir: resolve(required(values.data, '--data')),
    passphrase,
    baseUrl: values['base-url'] ?? io.env.VNEID_ISSUER_BASE_URL ?? 'http://127.0.0.1:8080',
  });
  let bundle: TrustBundle;
  try {
    const issuedAt = new Date();
    bundle = createTrustBundle({
      version,
      issuedAt,
      validUntil: new Date(issuedAt.getTime() + validDays * 86_400_000),
      issuers: issuer.trustBundleIssuers(),
    });
  } finally {
    await issuer.close();
  }
  await writeFile(out, `${JSON.stringify(bundle, null, 2)}\n`);
  io.out(
    `${JSON.stringify({ out, version, issuers: bundle.issuers.map((i) => i.id), validUntil: bundle.validUntil })}\n`,
  );
}

async function bundleSign(values: Record<string, string | undefined>, io: TrustCliIo): Promise<void> {
  const bundle = (await readJson(required(values.in, '--in'), BUNDLE_LIMITS)) as TrustBundle;
  const exported = (await readJson(required(values['anchor-key'], '--anchor-key'))) as ExportedKeyPair;
  const anchor = await importKeyPair(exported);
  const signed = await signTrustBundle(bundle, anchor);
  // Check the result the way every verifier will, before anyone distributes it.
  await loadTrustBundle(signed, { anchorKey: anchor.publicKeyMultibase, now: new Date() });
  const text = `${JSON.stringify(signed, null, 2)}\n`;
  if (values.out) {
    await writeFile(values.out, text);
    io.out(`${JSON.stringify({ out: values.out, version: signed.version, anchor: anchor.publicKeyMultibase })}\n`);
  } else io.out(text);
}

/**
 * Runs `vneid-trust` on `argv` and returns the exit code: 0 done, 1 usage
 * error, 2 refused with a VNeID error code (printed as `CODE: message`).
 *
 * @example
 * await runTrustCli(['bundle', 'sign', '--in', 'bundle.json', '--anchor-key', 'anchor.json'], io) // 0
 */
export async function runTrustCli(argv: string[], io: TrustCliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        in: { type: 'string' },
        data: { type: 'string' },
        'base-url': { type: 'string' },
        version: { type: 'string' },
        'valid-days': { type: 'string' },
        'anchor-key': { type: 'string' },
        controller: { type: 'string' },
        id: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const command = positionals.join(' ');
    const v = values as Record<string, string | undefined>;
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    if (command === 'anchor create') await anchorCreate(v, io);
    else if (command === 'bundle create') await bundleCreate(v, io);
    else if (command === 'bundle sign') await bundleSign(v, io);
    else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (error) {
    const ours = findVneidError(error);
    if (ours) {
      io.err(`${ours.code}: ${ours.message}\n`);
      return 2;
    }
    io.err(`usage error: ${(error as Error).message}\n${error instanceof UsageError ? USAGE : ''}`);
    return 1;
  }
}
