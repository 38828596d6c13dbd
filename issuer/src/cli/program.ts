import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CryptosuiteName, findVneidError, isCryptosuiteName, type KeyType } from '@vneid/core';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { inspectBackup, restoreBackup } from '../backup.js';
import { runDrill } from '../drill.js';
import { generateApiKey, hashApiKey } from '../http/auth.js';
import { type AuditHead, apiKeyId } from '../storage/contract.js';
import { backupFileName, latestBackup } from '../storage/leveldb/backup-file.js';
import { addAdminCommands } from './admin.js';
import { issueBatchFromCsv } from './batch.js';
import type { CliIo } from './output.js';
import { readJsonFile } from './read-json.js';
import { postJson, remoteFrom } from './remote.js';
import { type StoreOptions, storePassphrase, withStore } from './store.js';
import { UsageError } from './usage-error.js';

/**
 * Exit codes: 0 success (for `issue-batch`: at least one row issued, or every
 * row with `--strict`); 1 usage or environment error; 2 refused by the issuer
 * (the error code is printed); 3 `issue-batch` issued nothing (or, with
 * `--strict`, refused some row); 4 `drill` ran and a check failed; 130 `issue-batch` interrupted (SIGINT) before
 * every row was attempted: continue it with `--resume`.
 */
export const EXIT = { ok: 0, usage: 1, refused: 2, batchFailed: 3, drillFailed: 4, interrupted: 130 } as const;

interface GlobalOptions extends StoreOptions {
  url?: string;
  apiKey?: string;
}

function keyType(value: string): KeyType {
  if (value !== 'P-256' && value !== 'Ed25519' && value !== 'P-384')
    throw new InvalidArgumentError('expected P-256, Ed25519 or P-384');
  return value;
}

function suite(value: string): CryptosuiteName {
  if (!isCryptosuiteName(value))
    throw new InvalidArgumentError('expected ecdsa-sd-2023, eddsa-rdfc-2022 or ecdsa-rdfc-2019');
  return value;
}

function json(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// `--to` names the file, or an existing folder that gets a name sorted by time (what `drill` picks the latest from).
async function backupTarget(to: string): Promise<string> {
  const target = resolve(to);
  if (!(await stat(target).catch(() => undefined))?.isDirectory()) return target;
  return join(target, backupFileName(new Date()));
}

/** Builds the `vneid-issuer` command tree; actions write through `io` and set `state.exitCode`. */
export function buildProgram(io: CliIo, state: { exitCode: number }): Command {
  const program = new Command('vneid-issuer')
    .description('VNeID ministry CLI: keys, issuance (one or a CSV batch), revocation and suspension.')
    .option('--data <dir>', 'issuer data directory (default: $VNEID_ISSUER_DATA or ./data)')
    .option(
      '--base-url <url>',
      "the service's public base URL (default: $VNEID_ISSUER_BASE_URL or http://127.0.0.1:8080)",
    )
    .option('--url <url>', 'talk to a running issuer service instead of the local store')
    .option('--api-key <key>', 'API key of the ministry for --url (default: $VNEID_ISSUER_API_KEY)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();
  const warn = (line: string) => io.err(`${line}\n`);
  const local = <T>(cmd: Command, fn: Parameters<typeof withStore<T>>[3]) => {
    const g = globals(cmd);
    if (g.url !== undefined) throw new UsageError(`${cmd.name()} works on the local store only (drop --url)`);
    return withStore(g, io.env, warn, fn);
  };

  const ministry = program.command('ministry').description('issuing authorities in the local store');
  ministry
    .command('add')
    .description('add a ministry (its did:web, status lists and a first P-256 key)')
    .requiredOption('--slug <slug>', 'URL segment, e.g. bo-cong-an')
    .requiredOption('--name-vi <name>', 'Vietnamese name')
    .requiredOption('--name-en <name>', 'English name')
    .requiredOption('--role <role>', 'issuer role, e.g. MinistryOfPublicSecurity')
    .action(async (o: { slug: string; nameVi: string; nameEn: string; role: string }, cmd: Command) => {
      const info = await local(cmd, (issuer) =>
        issuer.addMinistry({ slug: o.slug, name: { vi: o.nameVi, en: o.nameEn }, role: o.role }),
      );
      json(io, info);
    });
  ministry
    .command('list')
    .description('the ministries, their DIDs, types and keys')
    .action(async (_o: unknown, cmd: Command) => json(io, await local(cmd, async (issuer) => issuer.listMinistries())));

  const keys = program.command('keys').description("a ministry's signing keys");
  keys
    .command('create')
    .description('create the signing key of a key type the ministry has no active key of')
    .requiredOption('--ministry <slug>', 'the ministry')
    .option('--key-type <type>', 'P-256 (ecdsa suites, default) or Ed25519 (eddsa-rdfc-2022)', keyType, 'P-256')
    .action(async (o: { ministry: string; keyType: KeyType }, cmd: Command) => {
      const key = await local(cmd, async (issuer) => {
        const active = issuer
          .getMinistry(o.ministry)
          .keys.find((k) => k.keyType === o.keyType && k.validUntil === undefined);
        // Creating over an active key would retire it: that is a rotation, and must be asked for as one.
        if (active)
          throw new UsageError(`${o.ministry} already has an active ${o.keyType} key (${active.id}); use keys rotate`);
        return issuer.createKey(o.ministry, o.keyType);
      });
      json(io, key);
    });
  keys
    .command('rotate')
    .description('create a new signing key and retire the previous one of its type (it keeps verifying)')
    .requiredOption('--ministry <slug>', 'the ministry')
    .option('--key-type <type>', 'P-256 (default) or Ed25519', keyType, 'P-256')
    .option(
      '--activate-at <iso>',
      'staged: the new key is published now and signs from this time on, the old one signs until then (default: now)',
    )
    .action(async (o: { ministry: string; keyType: KeyType; activateAt?: string }, cmd: Command) => {
      const options = o.activateAt === undefined ? {} : { activateAt: o.activateAt };
      json(io, await local(cmd, (issuer) => issuer.rotateKey(o.ministry, o.keyType, options)));
    });

  program
    .command('api-key')
    .description('create an API key for a ministry in the local store: printed once, only its SHA-256 is kept')
    .requiredOption('--ministry <slug>', 'the ministry')
    .action(async (o: { ministry: string }, cmd: Command) => {
      const apiKey = generateApiKey();
      await local(cmd, async (issuer) => {
        issuer.getMinistry(o.ministry);
        const sha256 = hashApiKey(apiKey);
        await issuer.addApiKey({ ministry: o.ministry, sha256 });
        await issuer.audit('api-key.create', { keyId: apiKeyId(sha256), ministry: o.ministry });
      });
      json(io, { ministry: o.ministry, apiKey });
    });

  addAdminCommands(program, io, state);

  program
    .command('issue')
    .description('issue one credential; prints the signed credential JSON')
    .option('--ministry <slug>', 'the issuing ministry (required without --url; with --url the API key decides)')
    .requiredOption('--type <type>', 'credential type, e.g. CitizenIdentityCard')
    .requiredOption('--subject <file>', 'JSON file with the credentialSubject claims')
    .option('--holder <did>', "the holder's did:key (becomes credentialSubject.id)")
    .option('--valid-from <iso>', 'validFrom (default: now)')
    .option('--valid-until <iso>', 'validUntil')
    .option('--suite <suite>', 'cryptosuite (default ecdsa-sd-2023)', suite)
    .action(
      async (
        o: {
          ministry?: string;
          type: string;
          subject: string;
          holder?: string;
          validFrom?: string;
          validUntil?: string;
          suite?: CryptosuiteName;
        },
        cmd: Command,
      ) => {
        const subject = await readJsonFile(o.subject);
        if (!isObject(subject)) throw new UsageError(`${o.subject} must hold a JSON object`);
        const remote = remoteFrom(globals(cmd), io.env);
        if (remote) {
          const answer = await postJson(remote, '/credentials/issue', {
            credential: {
              type: ['VerifiableCredential', o.type],
              credentialSubject: o.holder ? { ...subject, id: o.holder } : subject,
              ...(o.validFrom ? { validFrom: o.validFrom } : {}),
              ...(o.validUntil ? { validUntil: o.validUntil } : {}),
            },
            options: { ...(o.ministry ? { ministry: o.ministry } : {}), ...(o.suite ? { suite: o.suite } : {}) },
          });
          json(io, answer.verifiableCredential);
          return;
        }
        const ministry = o.ministry;
        if (!ministry) throw new UsageError("required option '--ministry <slug>' not specified (or give --url)");
        const credential = await local(cmd, (issuer) =>
          issuer.issue({
            ministry,
            type: o.type,
            subject,
            ...(o.holder ? { holder: o.holder } : {}),
            ...(o.validFrom ? { validFrom: o.validFrom } : {}),
            ...(o.validUntil ? { validUntil: o.validUntil } : {}),
            ...(o.suite ? { suite: o.suite } : {}),
          }),
        );
        json(io, credential);
      },
    );

  program
    .command('issue-batch')
    .description('issue one credential per CSV row (header = subject fields, dotted for nested); JSON lines out')
    .argument('<csv>', 'CSV file with a header row')
    .requiredOption('--ministry <slug>', 'the issuing ministry')
    .requiredOption('--type <type>', 'credential type of every row')
    .option('--out <file>', 'write each row’s JSON line here as soon as it is committed (instead of stdout at the end)')
    .option(
      '--resume',
      'continue the interrupted run written to --out: skip its rows, re-issue the rest under the same idempotency keys',
    )
    .option('--suite <suite>', 'cryptosuite (default ecdsa-sd-2023)', suite)
    .option('--strict', 'exit 3 when any row is refused (default: only when none is issued)')
    .action(
      async (
        file: string,
        o: {
          ministry: string;
          type: string;
          suite?: CryptosuiteName;
          strict?: boolean;
          out?: string;
          resume?: boolean;
        },
        cmd: Command,
      ) => {
        const summary = await local(cmd, (issuer) =>
          issueBatchFromCsv(
            issuer,
            file,
            {
              ministry: o.ministry,
              type: o.type,
              ...(o.suite ? { suite: o.suite } : {}),
              ...(o.out ? { out: o.out } : {}),
              ...(o.resume ? { resume: true } : {}),
            },
            io,
          ),
        );
        if (summary.interrupted > 0) state.exitCode = EXIT.interrupted;
        else if ((summary.issued === 0 && summary.skipped === 0) || (o.strict === true && summary.refused > 0))
          state.exitCode = EXIT.batchFailed;
      },
    );

  program
    .command('backup')
    .description('write a consistent backup of the local LevelDB store (keys, records, audit log, API keys)')
    .requiredOption('--to <path>', 'the backup file, or an existing folder for issuer-<UTC time>.vnbak in it')
    .action(async (o: { to: string }, cmd: Command) => {
      const file = await backupTarget(o.to);
      const summary = await local(cmd, (issuer) => issuer.backup({ file }));
      io.err(
        `backup: ${summary.file} — ${summary.records} records, audit head seq ${summary.auditHead.seq}, ${summary.bytes} bytes, sha256 ${summary.sha256}\n`,
      );
      json(io, summary);
    });

  program
    .command('restore')
    .description('restore a backup into an empty folder (then open it with --data and the same passphrase)')
    .argument('<backup>', 'a backup file')
    .requiredOption('--into <dir>', 'an empty or missing folder')
    .option(
      '--allow-unauthenticated',
      'also restore a vneid-issuer-backup/1 file, which has no HMAC (only for old backups you know are yours)',
    )
    .action(async (file: string, o: { into: string; allowUnauthenticated?: boolean }, cmd: Command) => {
      // The backup's HMAC is keyed by the store passphrase ($VNEID_ISSUER_PASSPHRASE): checked before anything is written.
      const passphrase = storePassphrase(globals(cmd), io.env, warn);
      const info = await restoreBackup({
        file,
        dataDir: resolve(o.into),
        passphrase,
        ...(o.allowUnauthenticated ? { allowUnauthenticated: true } : {}),
      });
      io.err(`restore: ${info.records} records, audit head seq ${info.auditHead.seq} into ${resolve(o.into)}\n`);
      json(io, info);
    });

  program
    .command('drill')
    .description(
      'recovery drill: restore the latest backup into a fresh folder, check it against the live store (--data, or the running service with --url), issue and verify one credential; prints the recovery point and time',
    )
    .requiredOption('--backup <path>', 'a backup file, or a folder whose newest *.vnbak is used')
    .option('--anchor <file>', 'an audit head exported earlier ({"seq","hash"} JSON) that the restored chain must hold')
    .option('--keep <dir>', 'restore into this empty folder and keep it (default: a temporary folder, removed)')
    .option(
      '--allow-unauthenticated',
      'also accept a vneid-issuer-backup/1 file, which has no HMAC (only for old backups you know are yours)',
    )
    .action(
      async (o: { backup: string; anchor?: string; keep?: string; allowUnauthenticated?: boolean }, cmd: Command) => {
        let file = o.backup;
        if ((await stat(file).catch(() => undefined))?.isDirectory()) {
          const latest = await latestBackup(file);
          if (!latest) throw new UsageError(`no *.vnbak backup in ${file}`);
          file = latest;
        }
        const g = globals(cmd);
        // With --data the development-passphrase warning comes when the live store opens.
        const passphrase = storePassphrase(g, io.env, g.url ? warn : () => undefined);
        const auth = { passphrase, ...(o.allowUnauthenticated ? { allowUnauthenticated: true } : {}) };
        // Refused here (BACKUP_NOT_AUTHENTIC, …) before the live store is opened.
        await inspectBackup(file, auth);
        let anchor: AuditHead | undefined;
        if (o.anchor) {
          const value = await readJsonFile(o.anchor);
          if (!isObject(value) || !Number.isInteger(value.seq) || typeof value.hash !== 'string')
            throw new UsageError(`${o.anchor} must hold an audit head {"seq": n, "hash": "…"}`);
          anchor = { seq: value.seq as number, hash: value.hash };
        }
        const drill = (live: Parameters<typeof runDrill>[0]['live']) =>
          runDrill({
            backup: file,
            live,
            ...auth,
            ...(anchor ? { anchor } : {}),
            ...(o.keep ? { into: resolve(o.keep) } : {}),
          });
        // With --url the live side is the running service's public status lists (its store stays locked by it).
        const report = g.url ? await drill({ url: g.url }) : await local(cmd, (live) => drill(live));
        const rp = report.recoveryPoint;
        const missing = (n: number | null, what: string) =>
          n === null ? `? ${what} (not known over --url)` : `${n} ${what}`;
        io.err(
          [
            `drill: ${report.ok ? 'PASSED' : 'FAILED'} — backup ${file} (${report.backup.createdAt})`,
            ...report.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
            `  recovery point: the backup is ${rp.backupAgeSeconds.toFixed(1)} s old and lacks ${missing(rp.recordsMissing, 'records')}, ${missing(rp.auditEntriesMissing, 'audit entries')} and the latest bits of ${rp.statusListsDiffering.length} status lists`,
            `  recovery time: ${report.recoveryTimeSeconds.toFixed(2)} s (restore to a verified credential)`,
            '',
          ].join('\n'),
        );
        json(io, report);
        if (!report.ok) state.exitCode = EXIT.drillFailed;
      },
    );

  for (const action of ['revoke', 'suspend', 'reinstate'] as const) {
    program
      .command(action)
      .description(`${action} a credential by its id (urn:uuid:…); re-signs its status lists`)
      .argument('<id>', 'credential id')
      .option('--reason <text>', 'administrative note for the audit log (no personal data, at most 200 characters)')
      .action(async (id: string, o: { reason?: string }, cmd: Command) => {
        const remote = remoteFrom(globals(cmd), io.env);
        if (remote) {
          json(
            io,
            await postJson(remote, '/credentials/status', {
              credentialId: id,
              action,
              ...(o.reason ? { reason: o.reason } : {}),
            }),
          );
          return;
        }
        const change = await local(cmd, (issuer) => issuer[action](id, o.reason));
        json(io, { credentialId: change.credentialId, state: change.state });
      });
  }
  return program;
}

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit
 * code; errors are printed as `CODE: message` on stderr, never with a stack.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const state = { exitCode: EXIT.ok as number };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.err(`usage error: ${error.message}\n`);
      return EXIT.usage;
    }
    const ours = findVneidError(error);
    if (ours) {
      const violations = ours.details?.violations as Array<{ pointer: string; code: string }> | undefined;
      io.err(`${ours.code}: ${ours.message}\n`);
      for (const v of violations ?? []) io.err(`  ${v.pointer || '/'} ${v.code}\n`);
      return EXIT.refused;
    }
    if (error instanceof TypeError || error instanceof RangeError) {
      io.err(`usage error: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
}
