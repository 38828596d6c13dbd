import pg from 'pg';

/** Which server of a multi-host URL to use, as libpq's `target_session_attrs`. */
export type SessionTarget = 'any' | 'read-write';

/** A `DATABASE_URL` split into one URL per server, in the order given. */
export interface DatabaseTargets {
  urls: string[];
  target: SessionTarget;
}

// scheme, optional user info, the host list, then path and query.
const URL_SHAPE = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(.*)$/;

/**
 * Splits a libpq-style multi-host URL —
 * `postgres://user:pw@10.0.0.1:5432,10.0.0.2:5432/issuer?target_session_attrs=read-write` —
 * into one URL per host. `pg` 8 connects to one host only; the engine uses
 * this to find the writable server itself, so a failover (standby promoted)
 * needs no new configuration and no restart of the replicas. A URL with one
 * host and no `target_session_attrs` is passed through as is.
 *
 * @throws {TypeError} on a host list that is empty or a `target_session_attrs` other than `any`, `read-write`, `primary`.
 */
export function parseDatabaseUrl(url: string): DatabaseTargets {
  const m = URL_SHAPE.exec(url);
  if (!m) throw new TypeError('databaseUrl must be a postgres:// URL');
  const [, scheme, userInfo, hostList, rest] = m as unknown as [string, string, string | undefined, string, string];
  const [path, query = ''] = rest.split('?', 2) as [string, string | undefined];
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? 'any';
  params.delete('target_session_attrs');
  // libpq's `primary` and `read-write` differ only for servers set read-only by hand.
  if (attrs !== 'any' && attrs !== 'read-write' && attrs !== 'primary') {
    throw new TypeError(`databaseUrl: target_session_attrs=${attrs} is not supported (use read-write or any)`);
  }
  const hosts = hostList.split(',');
  if (hosts.some((h) => h === '')) throw new TypeError('databaseUrl: empty host in the host list');
  const search = params.toString();
  const tail = `${path}${search ? `?${search}` : ''}`;
  const auth = userInfo !== undefined ? `${userInfo}@` : '';
  return {
    urls: hosts.map((host) => `${scheme}${auth}${host}${tail}`),
    target: attrs === 'any' ? 'any' : 'read-write',
  };
}

/**
 * The first server (in URL order) that answers and, for `read-write`, is
 * not a standby in recovery nor read-only; `undefined` when none is.
 * `connection` builds each probe's client settings from its URL.
 */
export async function findServer(
  targets: DatabaseTargets,
  connection: (url: string) => pg.ClientConfig,
): Promise<string | undefined> {
  for (const url of targets.urls) {
    // The engine's own settings: a server that accepts the probe and then stops answering
    // is given up on after the query timeout, not waited for.
    const client = new pg.Client(connection(url));
    // A server dying under the probe must not crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      if (targets.target === 'any') return url;
      const { rows } = await client.query<{ standby: boolean; ro: string }>(
        'SELECT pg_is_in_recovery() AS standby, current_setting($1) AS ro',
        ['default_transaction_read_only'],
      );
      if (rows[0] && !rows[0].standby && rows[0].ro === 'off') return url;
    } catch {
      // Down or refusing: try the next one.
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return undefined;
}
