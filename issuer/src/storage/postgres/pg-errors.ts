// Socket-level failures: the server is down, restarting, failing over or unreachable. The DNS
// ones (ENOTFOUND, EAI_AGAIN) come during a failover that moves a name to another address.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATEs of a server that cannot serve writes now, or that ended this session: admin/crash
// shutdown, cannot connect now, read-only (a standby not yet promoted), too many connections,
// the session ended for idling in a transaction (25P03) or for idling (57P05).
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '25006', '53300', '25P03', '57P05']);
// A lock wait past lock_timeout (55P03) or a statement cancelled by statement_timeout (57014):
// this request gave up waiting, the connection itself is fine.
const TIMED_OUT_STATES = new Set(['55P03', '57014']);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Whether a `pg` error means the database cannot be reached or cannot write
 * now (answer STORAGE_UNAVAILABLE and drop the connection), as opposed to a
 * refusal of this statement.
 */
export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (SOCKET_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true;
  const message = (error as { message?: unknown } | null)?.message;
  // "Query read timeout": the client's query_timeout; the server may still be running the statement.
  // "timeout expired": a pg.Client's own connection timeout (a pool says "timeout exceeded …").
  return /Connection terminated|connection error|timeout exceeded when trying to connect|timeout expired|Client was closed|not queryable|Query read timeout/i.test(
    typeof message === 'string' ? message : '',
  );
}

/**
 * Whether the server gave up waiting for this statement (lock or statement
 * timeout): answer STORAGE_UNAVAILABLE, roll back, keep the connection.
 */
export function isTimedOut(error: unknown): boolean {
  return TIMED_OUT_STATES.has(codeOf(error));
}

/** Serialisation failure or deadlock: the transaction can simply run again. */
export function isRetryable(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01';
}
