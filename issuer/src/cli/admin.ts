import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './output.js';
import { adminFrom, requestJson } from './remote.js';

function keyType(value: string): string {
  if (value !== 'P-256' && value !== 'Ed25519') throw new InvalidArgumentError('expected P-256 or Ed25519');
  return value;
}

/**
 * `vneid-issuer admin …`: the admin API of a running service (`--url` and
 * `--token`, or VNEID_ADMIN_TOKEN). Every answer is printed as JSON; a
 * refusal exits 2 with its code, like the other commands.
 */
export function addAdminCommands(program: Command, io: CliIo, state: { exitCode: number }): void {
  const admin = program
    .command('admin')
    .description('administer a running service over its admin API (--url, --token or $VNEID_ADMIN_TOKEN)')
    .option('--token <token>', 'the admin token (default: $VNEID_ADMIN_TOKEN); never a ministry API key');
  const send = async (cmd: Command, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const target = adminFrom(cmd.optsWithGlobals<{ url?: string; token?: string }>(), io.env);
    const answer = await requestJson(target.url, target.token, method, `/admin${path}`, body);
    io.out(`${JSON.stringify(answer, null, 2)}\n`);
    return answer;
  };
  const call = async (cmd: Command, method: 'GET' | 'POST', path: string, body?: unknown): Promise<void> => {
    await send(cmd, method, path, body);
  };

  const keys = admin.command('api-keys').description("ministries' API keys");
  keys
    .command('create')
    .description('create an API key (printed once)')
    .requiredOption('--ministry <slug>', 'the ministry it acts for')
    .action((o: { ministry: string }, cmd: Command) => call(cmd, 'POST', '/api-keys', { ministry: o.ministry }));
  keys
    .command('list')
    .description('ids, ministries, creation and revocation times (never the keys or their hashes)')
    .action((_o: unknown, cmd: Command) => call(cmd, 'GET', '/api-keys'));
  keys
    .command('revoke')
    .description('revoke a key: refused from the next request')
    .argument('<id>', 'the key id (16 hex digits, as listed)')
    .action((id: string, _o: unknown, cmd: Command) => call(cmd, 'POST', `/api-keys/${encodeURIComponent(id)}/revoke`));
  keys
    .command('rotate')
    .description('create a new key for the same ministry and revoke this one')
    .argument('<id>', 'the key id')
    .action((id: string, _o: unknown, cmd: Command) => call(cmd, 'POST', `/api-keys/${encodeURIComponent(id)}/rotate`));

  admin
    .command('ministry-add')
    .description('add a ministry (its did:web, status lists and a first P-256 key)')
    .requiredOption('--slug <slug>', 'URL segment, e.g. bo-cong-an')
    .requiredOption('--name-vi <name>', 'Vietnamese name')
    .requiredOption('--name-en <name>', 'English name')
    .requiredOption('--role <role>', 'issuer role, e.g. MinistryOfPublicSecurity')
    .action((o: { slug: string; nameVi: string; nameEn: string; role: string }, cmd: Command) =>
      call(cmd, 'POST', '/ministries', { slug: o.slug, name: { vi: o.nameVi, en: o.nameEn }, role: o.role }),
    );
  admin
    .command('key-rotate')
    .description("rotate a ministry's signing key of one type (the old one keeps verifying)")
    .requiredOption('--ministry <slug>', 'the ministry')
    .option('--key-type <type>', 'P-256 (default) or Ed25519', keyType, 'P-256')
    .option('--activate-at <iso>', 'staged: the new key signs from this time on, the old one until then (default: now)')
    .action((o: { ministry: string; keyType: string; activateAt?: string }, cmd: Command) =>
      call(cmd, 'POST', `/ministries/${encodeURIComponent(o.ministry)}/keys/rotate`, {
        keyType: o.keyType,
        ...(o.activateAt === undefined ? {} : { activateAt: o.activateAt }),
      }),
    );
  admin
    .command('record')
    .description('the issuance record of a credential (no personal data)')
    .argument('<id>', 'credential id (urn:uuid:…)')
    .action((id: string, _o: unknown, cmd: Command) => call(cmd, 'GET', `/credentials/${encodeURIComponent(id)}`));
  admin
    .command('audit-check')
    .description('re-verify the audit chain in the service')
    .action(async (_o: unknown, cmd: Command) => {
      const answer = await send(cmd, 'POST', '/audit/check', {});
      // A broken chain is a finding, not a failed command: exit 2 like a refusal, so scripts and cron notice.
      if (answer.valid !== true) state.exitCode = 2;
    });
}
