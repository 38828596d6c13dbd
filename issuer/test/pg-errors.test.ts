import test from 'ava';
import { isRetryable, isTimedOut, isUnavailable } from '../src/storage/postgres/pg-errors.js';

// How the PostgreSQL engine reads a failure decides the answer: unavailable or timed out is
// STORAGE_UNAVAILABLE (503, Retry-After; unavailable also drops the connection and looks for
// the writable server), anything else is this statement's own refusal.

/** An error shaped as Node's socket and DNS layers raise it. */
function systemError(code: string, syscall: string, message = `${syscall} ${code} db.internal`) {
  return Object.assign(new Error(message), { code, syscall, errno: -1 });
}

/** An error shaped as `pg` raises a server's ErrorResponse. */
function serverError(code: string, message: string) {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

test('a DNS failure during a failover, a network down, an aborted connection are unavailable', (t) => {
  for (const [code, syscall] of [
    ['ENOTFOUND', 'getaddrinfo'],
    ['EAI_AGAIN', 'getaddrinfo'],
    ['ENETDOWN', 'connect'],
    ['ECONNABORTED', 'read'],
    ['ECONNREFUSED', 'connect'],
    ['ECONNRESET', 'read'],
    ['ETIMEDOUT', 'connect'],
    ['EHOSTUNREACH', 'connect'],
    ['ENETUNREACH', 'connect'],
    ['EPIPE', 'write'],
  ] as const) {
    t.true(isUnavailable(systemError(code, syscall)), code);
    t.false(isTimedOut(systemError(code, syscall)), code);
  }
});

test('a session the server ended, a standby, a shutdown, the client query timeout are unavailable', (t) => {
  for (const [code, message] of [
    ['25P03', 'terminating connection due to idle-in-transaction timeout'],
    ['57P05', 'terminating connection due to idle-session timeout'],
    ['57P01', 'terminating connection due to administrator command'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['08006', 'connection failure'],
    ['53300', 'sorry, too many clients already'],
  ] as const) {
    t.true(isUnavailable(serverError(code, message)), code);
  }
  t.true(isUnavailable(new Error('Query read timeout')));
  t.true(isUnavailable(new Error('timeout expired')), 'a client connect timeout');
  t.true(isUnavailable(new Error('timeout exceeded when trying to connect')), 'a pool connect timeout');
  t.true(isUnavailable(new Error('Connection terminated unexpectedly')));
});

test('a lock or statement timeout is timed out (the connection is kept), not unavailable', (t) => {
  const lock = serverError('55P03', 'canceling statement due to lock timeout');
  const statement = serverError('57014', 'canceling statement due to statement timeout');
  for (const error of [lock, statement]) {
    t.true(isTimedOut(error));
    t.false(isUnavailable(error));
    t.false(isRetryable(error), 'retrying would only wait as long again');
  }
});

test('a refusal of the statement itself is neither: it is the caller’s error', (t) => {
  for (const [code, message] of [
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['23505', 'duplicate key value violates unique constraint'],
    ['42P01', 'relation "nope" does not exist'],
    ['40001', 'could not serialize access due to concurrent update'],
  ] as const) {
    t.false(isUnavailable(serverError(code, message)), code);
    t.false(isTimedOut(serverError(code, message)), code);
  }
  t.true(isRetryable(serverError('40001', 'serialization failure')));
  t.true(isRetryable(serverError('40P01', 'deadlock detected')));
  for (const odd of [undefined, null, 'ENOTFOUND', { code: 5 }, new TypeError('x')]) {
    t.false(isUnavailable(odd), String(odd));
    t.false(isTimedOut(odd), String(odd));
  }
});
