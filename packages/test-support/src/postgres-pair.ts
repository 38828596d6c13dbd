import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './postgres.js';

/** One server of a {@link PostgresPair}. */
export interface PairServer {
  port: number;
  /** `postgres://…@127.0.0.1:<port>/<database>` of the pair's database on this server. */
  url: string;
}

/** A primary and its streaming standby, started for a disaster-recovery test. */
export interface PostgresPair {
  primary: PairServer;
  standby: PairServer;
  /** The libpq multi-host URL of both, primary first, `target_session_attrs=read-write`. */
  url: string;
  /** Kills the primary's whole process group with SIGKILL (a lost machine): nothing is flushed or handed over. */
  killPrimary(): Promise<void>;
  /** Promotes the standby (`pg_promote()`) and waits until it accepts writes. */
  promoteStandby(): Promise<void>;
  /** The standby's replication state as the primary sees it (`sync`, `async`, … or `undefined`). */
  syncState(): Promise<string | undefined>;
  /** Stops both servers and deletes their folders. */
  close(): Promise<void>;
}

/** Options of {@link startPostgresPair}. */
export interface PostgresPairOptions {
  /** Commit waits for the standby's flush (`synchronous_standby_names = '*'`); default true. */
  synchronous?: boolean;
  /** Folder of Debian's PostgreSQL binaries; default `VNEID_PG_BIN` or the newest `/usr/lib/postgresql/<v>/bin`. */
  binDir?: string;
  /** Server log lines (default: dropped). */
  onLog?: (line: string) => void;
}

/** The newest Debian PostgreSQL `bin` folder, or an error saying what to install. */
export function postgresBinDir(): string {
  const fromEnv = process.env.VNEID_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_basebackup')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    // Never a skip: the drill is part of the definition of done, so a missing server is a failure.
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/<version>/bin: install Debian\'s "postgresql" package (apt-get install postgresql) or set VNEID_PG_BIN',
    );
  }
  return join(root, versions[0] as string, 'bin');
}

/** The uid/gid to run the server as: PostgreSQL refuses to run as root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root needs the "postgres" system user (Debian\'s postgresql package creates it)');
  }
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined, env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} exited ${code}: ${out}`))));
  });
}

async function waitReady(url: string, deadline: number): Promise<void> {
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL at ${url} did not start: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts Debian's PostgreSQL as a primary and a streaming standby cloned from
 * it with `pg_basebackup`, both on 127.0.0.1 on free ports, in a throwaway
 * folder, with password authentication. With `synchronous` (the default) the
 * primary has `synchronous_standby_names = '*'`: a COMMIT returns only once
 * the standby has flushed it, so an acknowledged write survives the primary.
 * The servers run as the `postgres` user when the tests run as root; each
 * postmaster leads its own process group so a kill takes its backends too.
 *
 * @throws {Error} when the binaries are missing (the drill fails, never skips).
 */
export async function startPostgresPair(options: PostgresPairOptions = {}): Promise<PostgresPair> {
  const bin = options.binDir ?? postgresBinDir();
  const user = serverUser();
  const root = await mkdtemp(join(tmpdir(), 'vneid-pg-pair-'));
  const servers = new Map<'primary' | 'standby', ChildProcess>();
  const t0 = Date.now();
  const step = (what: string) => options.onLog?.(`[pair] ${what} at ${Date.now() - t0} ms`);
  const close = async () => {
    await Promise.all([...servers.values()].map((child) => stopGroup(child)));
    await rm(root, { recursive: true, force: true });
  };
  try {
    if (user) await chown(root, user.uid, user.gid);
    const password = `pair-${process.pid}-${Date.now()}`;
    const pwfile = join(root, 'pw');
    await writeFile(pwfile, password, { mode: 0o600 });
    if (user) await chown(pwfile, user.uid, user.gid);
    const primaryDir = join(root, 'primary');
    const standbyDir = join(root, 'standby');
    const sockets = join(root, 'sockets');
    await mkdir(sockets);
    if (user) await chown(sockets, user.uid, user.gid);
    const env = { PGPASSWORD: password, LC_ALL: 'C' };
    await run(
      join(bin, 'initdb'),
      [
        '-D',
        primaryDir,
        '--no-sync',
        '-U',
        'postgres',
        `--pwfile=${pwfile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
      ],
      user,
      env,
    );
    step('initdb done');
    const [primaryPort, standbyPort] = [await freePort(), await freePort()];
    const flags = (port: number) => [
      '-c',
      `port=${port}`,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${sockets}`,
      '-c',
      'max_connections=200',
      '-c',
      'wal_level=replica',
      '-c',
      'max_wal_senders=5',
      '-c',
      'hot_standby=on',
    ];
    const start = (name: 'primary' | 'standby', dir: string, port: number, extra: string[]) => {
      const child = spawn(join(bin, 'postgres'), ['-D', dir, ...flags(port), ...extra], {
        env: { ...process.env, LC_ALL: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        ...user,
      });
      const log = (c: Buffer) => {
        for (const line of c.toString().split('\n')) if (line) options.onLog?.(`[${name}] ${line}`);
      };
      child.stdout?.on('data', log);
      child.stderr?.on('data', log);
      servers.set(name, child);
      return child;
    };
    const database = 'issuer';
    const urlOf = (port: number) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
    const adminOf = (port: number) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

    start('primary', primaryDir, primaryPort, []);
    await waitReady(adminOf(primaryPort), Date.now() + 30_000);
    step('primary ready');
    await sql(adminOf(primaryPort), `CREATE DATABASE ${database}`);
    // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    await run(
      join(bin, 'pg_basebackup'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(primaryPort),
        '-U',
        'postgres',
        '-D',
        standbyDir,
        '-R',
        '-X',
        'stream',
        '--checkpoint=fast',
        '--no-sync',
      ],
      user,
      env,
    );
    step('base backup done');
    // A promoted standby looks for more WAL once more before it takes over: keep that wait short.
    start('standby', standbyDir, standbyPort, ['-c', 'wal_retrieve_retry_interval=100ms']);
    await waitReady(adminOf(standbyPort), Date.now() + 30_000);

    // Synchronous only once the standby exists: before, every commit (CREATE DATABASE too) would wait for it.
    if (options.synchronous !== false) {
      await sql(adminOf(primaryPort), "ALTER SYSTEM SET synchronous_standby_names = '*'");
      await sql(adminOf(primaryPort), 'SELECT pg_reload_conf()');
    }
    const syncState = async () => {
      const rows = await sql<{ sync_state: string }>(
        adminOf(primaryPort),
        'SELECT sync_state FROM pg_stat_replication',
      );
      return rows[0]?.sync_state;
    };
    // Until the standby streams, a synchronous primary would hold every commit.
    for (const deadline = Date.now() + 30_000; ; ) {
      const state = await syncState();
      if (state === (options.synchronous === false ? 'async' : 'sync')) break;
      if (Date.now() > deadline) throw new Error(`the standby did not start streaming (state ${state})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    step('standby streaming');
    return {
      primary: { port: primaryPort, url: urlOf(primaryPort) },
      standby: { port: standbyPort, url: urlOf(standbyPort) },
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${primaryPort},127.0.0.1:${standbyPort}/${database}?target_session_attrs=read-write`,
      syncState,
      async killPrimary() {
        const child = servers.get('primary');
        if (child) await stopGroup(child, 'SIGKILL');
        servers.delete('primary');
      },
      async promoteStandby() {
        await sql(adminOf(standbyPort), 'SELECT pg_promote(true, 30)');
        for (const deadline = Date.now() + 30_000; ; ) {
          const rows = await sql<{ r: boolean }>(adminOf(standbyPort), 'SELECT pg_is_in_recovery() AS r');
          if (rows[0]?.r === false) return;
          if (Date.now() > deadline) throw new Error('the standby was not promoted');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Signals a postmaster (immediate shutdown by default: test data is thrown away) and waits for it to exit. */
function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGQUIT'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    try {
      // SIGQUIT to the postmaster is PostgreSQL's immediate shutdown; SIGKILL goes to the whole group.
      if (signal === 'SIGKILL') process.kill(-child.pid, 'SIGKILL');
      else child.kill(signal);
    } catch {
      resolve();
    }
  });
}
