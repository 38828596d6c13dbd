// Socket-level failures: the server is down, restarting, failing over or unreachable.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
// SQLSTATEs of a server that cannot serve writes now: admin/crash shutdown, cannot connect now,
// read-only (a standby not yet promoted), too many connections.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '25006', '53300']);

/**
 * Whether a `pg` error means the database cannot be reached or cannot write
 * now (answer STORAGE_UNAVAILABLE and drop the connection), as opposed to a
 * refusal of this statement.
 */
export function isUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (SOCKET_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection error|timeout exceeded when trying to connect|Client was closed|not queryable/i.test(
    message,
  );
}

/** Serialisation failure or deadlock: the transaction can simply run again. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
