#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import pc from 'picocolors';
import type { VerificationProfile } from './lib/profiles.js';
import { loadTrustBundle } from './load-trust-bundle.js';
import { openChallengeLog } from './open-challenge-log.js';
import { openStatusCache, type StatusCache } from './open-status-cache.js';
import { formatAge, type StatusDataAge, statusDataAge } from './status-data-age.js';
import { syncStatus } from './sync-status.js';
import type { LoadedTrustBundle, VerificationReport } from './types.js';
import { verifyCredential } from './verify-credential.js';
import { verifyPresentation } from './verify-presentation.js';

// Exit codes: 0 verified, 1 not verified (or an unusable bundle), 2 unknown (stale data),
// 3 a usage or file error: nothing was verified, which a script must not read as "refused".
const EXIT = { verified: 0, 'not-verified': 1, unknown: 2 } as const;
const EXIT_USAGE = 3;

/** A wrong command line: exit 3, message in Vietnamese and English. */
class UsageError extends Error {}

function parseProfile(value: string): VerificationProfile {
  if (value !== 'citizen-document' && value !== 'general') {
    throw new InvalidArgumentError('citizen-document or general');
  }
  return value;
}

function parseNow(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expected an ISO 8601 date-time');
  }
  return date;
}

interface Common {
  bundle: string;
  anchorKey: string;
  statusCache: string;
  now?: Date;
}

/**
 * Loads the bundle with rollback protection: the last accepted bundle is kept
 * in the status cache, and a newer one replaces it.
 */
async function openTrust(opts: Common): Promise<{ loaded: LoadedTrustBundle; cache: StatusCache; now: Date }> {
  const now = opts.now ?? new Date();
  const cache = await openStatusCache({ path: opts.statusCache });
  try {
    const current = await cache.getBundle();
    const text = await readFile(opts.bundle, 'utf8');
    const loaded = await loadTrustBundle(text, {
      anchorKey: opts.anchorKey,
      now,
      ...(current ? { current } : {}),
    });
    if (!current || loaded.bundle.version > current.version) await cache.putBundle(loaded.bundle);
    return { loaded, cache, now };
  } catch (error) {
    await cache.close();
    throw error;
  }
}

function printReport(report: VerificationReport): void {
  const head =
    report.status === 'verified'
      ? pc.green('✔ VERIFIED / ĐÃ XÁC THỰC')
      : report.status === 'unknown'
        ? pc.yellow('? UNKNOWN / CHƯA XÁC ĐỊNH')
        : pc.red('✘ NOT VERIFIED / KHÔNG HỢP LỆ');
  console.log(pc.bold(head));
  for (const c of report.checks) {
    const mark =
      c.result === 'valid'
        ? pc.green('✔')
        : c.result === 'invalid'
          ? pc.red('✘')
          : c.result === 'unknown'
            ? pc.yellow('?')
            : pc.dim('-');
    const code = c.code ? pc.dim(` [${c.code}]`) : '';
    console.log(`${mark} ${c.target} · ${c.check}${code}`);
    console.log(`    ${c.message.en}`);
    console.log(pc.dim(`    ${c.message.vi}`));
  }
  for (const credential of report.credentials) {
    console.log(pc.bold(`\n${credential.type} — ${credential.issuer.name.vi} / ${credential.issuer.name.en}`));
    for (const claim of credential.claims) {
      const value = typeof claim.value === 'string' ? claim.value : JSON.stringify(claim.value);
      console.log(`  ${claim.label.vi} / ${claim.label.en}: ${value}`);
    }
  }
  for (const w of report.warnings) console.log(pc.yellow(`! ${w.code}: ${w.message}`));
}

function printStatusAge(age: StatusDataAge): void {
  if (age.oldestFetchedAt === null || age.ageSeconds === null) {
    if (age.missing.length > 0) {
      console.log(pc.yellow('! Chưa có dữ liệu trạng thái / no status data yet: run vneid-verify sync'));
    }
    return;
  }
  const line =
    `Dữ liệu trạng thái tải về cách đây / status data downloaded ${formatAge(age.ageSeconds)} ago ` +
    `(${age.oldestFetchedAt}; list signed / danh sách ký ${age.oldestValidFrom})`;
  console.log(age.ageSeconds > 86_400 ? pc.yellow(`! ${line}`) : pc.dim(line));
  if (age.missing.length > 0) {
    console.log(pc.yellow(`! ${age.missing.length} status list(s) never synced / danh sách chưa đồng bộ`));
  }
}

const program = new Command()
  .name('vneid-verify')
  .description('Verify VNeID credentials and presentations offline / Xác thực giấy tờ VNeID ngoại tuyến')
  .showHelpAfterError()
  .exitOverride();

const required = (cmd: Command) =>
  cmd
    .requiredOption('--bundle <file>', 'signed trust bundle (JSON)')
    .requiredOption('--anchor-key <multibase>', 'trust anchor Ed25519 public key (z6Mk…)')
    .requiredOption('--status-cache <dir>', 'status cache directory (LevelDB)')
    .option('--now <iso>', 'verification time (default: now)', parseNow);

required(
  program
    .command('verify', { isDefault: true })
    .argument('<file>', 'credential or presentation (JSON)')
    .option('--challenge <challenge>', 'expected challenge (presentations)')
    .option('--domain <domain>', 'expected domain (presentations)')
    .option('--challenge-log <dir>', 'used challenges (LevelDB; default: <status-cache>.challenges beside it)')
    .option('--allow-replay', 'do not make challenges single-use (explicit opt-out)')
    .option(
      '--profile <profile>',
      'citizen-document (default) or general (README: Verification profiles)',
      parseProfile,
    )
    .option('--json', 'print the report as JSON'),
).action(
  async (
    file: string,
    opts: Common & {
      challenge?: string;
      domain?: string;
      json?: boolean;
      challengeLog?: string;
      allowReplay?: boolean;
      profile?: VerificationProfile;
    },
  ) => {
    const { loaded, cache, now } = await openTrust(opts);
    try {
      // The file is hostile: it is read as text, and verify* apply the limits.
      const text = await readFile(file, 'utf8');
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch {
        document = text;
      }
      const isPresentation =
        !!document &&
        typeof document === 'object' &&
        ([] as unknown[]).concat((document as { type?: unknown }).type).includes('VerifiablePresentation');
      const common = { bundle: loaded, statusCache: cache, now, ...(opts.profile ? { profile: opts.profile } : {}) };
      let report: VerificationReport;
      if (isPresentation) {
        if (!opts.challenge || !opts.domain) {
          throw new UsageError(
            'bản trình bày cần --challenge và --domain / a presentation needs --challenge and --domain',
          );
        }
        // One process per presentation: used challenges are kept on disk, or a second run would accept a replay.
        const log = opts.allowReplay
          ? undefined
          : await openChallengeLog({
              path: opts.challengeLog ?? `${opts.statusCache.replace(/[/\\]+$/, '')}.challenges`,
              now: () => now,
            });
        try {
          report = await verifyPresentation(document, {
            ...common,
            challenge: opts.challenge,
            domain: opts.domain,
            ...(log ? { challengeStore: log } : { allowReplay: true }),
          });
        } finally {
          await log?.close();
        }
      } else {
        report = await verifyCredential(document, common);
      }
      const statusData = await statusDataAge(document, cache, now);
      if (opts.json) console.log(JSON.stringify({ ...report, statusData }, null, 2));
      else {
        printReport(report);
        printStatusAge(statusData);
      }
      process.exitCode = EXIT[report.status];
    } finally {
      await cache.close();
    }
  },
);

required(program.command('sync').description('download and verify status lists (the online step)')).action(
  async (opts: Common & { json?: boolean }) => {
    const { loaded, cache, now } = await openTrust(opts);
    try {
      const report = await syncStatus(loaded, { cache, now });
      for (const r of report.results) {
        const mark = r.result === 'failed' ? pc.red('✘') : pc.green('✔');
        console.log(`${mark} ${r.url} ${r.result}${r.code ? ` [${r.code}] ${r.message ?? ''}` : ''}`);
      }
      process.exitCode = report.ok ? 0 : 1;
    } finally {
      await cache.close();
    }
  },
);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // commander has printed its own message (and the help); 0 for --help and --version.
    if (error.exitCode !== 0) console.error(pc.red('✘ Lỗi cú pháp lệnh / usage error (vneid-verify --help)'));
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
    return;
  }
  const fsError = error as NodeJS.ErrnoException;
  if (typeof fsError.syscall === 'string' && typeof fsError.code === 'string') {
    console.error(pc.red(`✘ [${fsError.code}] không đọc được tệp / cannot read file: ${fsError.path ?? ''}`));
    process.exitCode = EXIT_USAGE;
    return;
  }
  if (error instanceof UsageError) {
    console.error(pc.red(`✘ ${error.message}`));
    process.exitCode = EXIT_USAGE;
    return;
  }
  const code = (error as { code?: string }).code;
  console.error(
    pc.red(`✘ Lỗi / Error: ${code ? `[${code}] ` : ''}${error instanceof Error ? error.message : String(error)}`),
  );
  process.exitCode = 1;
});
