import type pg from 'pg';

/**
 * Timeouts of every connection the PostgreSQL engine opens. Without them a
 * replica that freezes or is cut off while it holds a row lock (the audit
 * head, a status list) stalls every audited write on every replica until
 * the kernel gives up on the connection (about two hours), and requests
 * hang instead of answering 503. Each timeout ends in STORAGE_UNAVAILABLE.
 * A value of 0 turns that timeout off.
 */
export interface PostgresTimeouts {
  /** Milliseconds to wait for a connection before answering STORAGE_UNAVAILABLE; default 10,000. */
  connectionTimeoutMillis?: number;
  /**
   * Server side: a session idle inside a transaction this long is ended and
   * its locks freed (a frozen or partitioned replica); default 10,000.
   * Keep it below `lockTimeoutMillis`, so that waiters outlast a frozen holder.
   */
  idleInTransactionTimeoutMillis?: number;
  /** Server side: a statement waiting this long for a lock fails (55P03); default 15,000. */
  lockTimeoutMillis?: number;
  /** Server side: a statement running this long is cancelled (57014); default 30,000. */
  statementTimeoutMillis?: number;
  /**
   * Client side: a query unanswered this long ends its connection (the
   * server went silent, so its own timeouts cannot answer); default the
   * statement timeout plus 5,000, so the server's cleaner answer comes first.
   */
  queryTimeoutMillis?: number;
  /** TCP keepalive probes start after a connection is idle this long; default 10,000. */
  keepAliveInitialDelayMillis?: number;
}

/** The production defaults of {@link PostgresTimeouts}. */
export const POSTGRES_TIMEOUT_DEFAULTS = {
  connectionTimeoutMillis: 10_000,
  idleInTransactionTimeoutMillis: 10_000,
  lockTimeoutMillis: 15_000,
  statementTimeoutMillis: 30_000,
  keepAliveInitialDelayMillis: 10_000,
} as const;

// Room for the server's own statement timeout to answer before the client gives up.
const QUERY_TIMEOUT_MARGIN = 5000;

function millis(name: keyof PostgresTimeouts, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of milliseconds`);
  }
  return value;
}

/**
 * The `pg` client settings of one connection to `connectionString`: TCP
 * keepalive, the server-side timeouts sent as startup parameters (so they
 * hold for every statement of the session, whoever runs it), and the
 * client's query and connection timeouts. Every connection of the engine —
 * both pools and the failover probe — is built from it.
 *
 * @example
 * const client = new pg.Client(postgresConnectionConfig(url, { lockTimeoutMillis: 2000 }));
 * @throws {RangeError} a timeout that is not a non-negative integer.
 */
export function postgresConnectionConfig(connectionString: string, timeouts: PostgresTimeouts = {}): pg.ClientConfig {
  const d = POSTGRES_TIMEOUT_DEFAULTS;
  const statement = millis('statementTimeoutMillis', timeouts.statementTimeoutMillis, d.statementTimeoutMillis);
  return {
    connectionString,
    connectionTimeoutMillis: millis(
      'connectionTimeoutMillis',
      timeouts.connectionTimeoutMillis,
      d.connectionTimeoutMillis,
    ),
    keepAlive: true,
    keepAliveInitialDelayMillis: millis(
      'keepAliveInitialDelayMillis',
      timeouts.keepAliveInitialDelayMillis,
      d.keepAliveInitialDelayMillis,
    ),
    idle_in_transaction_session_timeout: millis(
      'idleInTransactionTimeoutMillis',
      timeouts.idleInTransactionTimeoutMillis,
      d.idleInTransactionTimeoutMillis,
    ),
    lock_timeout: millis('lockTimeoutMillis', timeouts.lockTimeoutMillis, d.lockTimeoutMillis),
    statement_timeout: statement,
    query_timeout: millis(
      'queryTimeoutMillis',
      timeouts.queryTimeoutMillis,
      statement === 0 ? 0 : statement + QUERY_TIMEOUT_MARGIN,
    ),
  };
}
