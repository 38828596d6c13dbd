import type { Logger } from 'pino';
import type { Issuer } from '../create-issuer.js';

/** Security events the HTTP service writes to the audit log. */
export type SecurityEvent = 'auth-failed' | 'cross-ministry-refused' | 'rate-limited';

/** How many security entries of each kind may reach the audit log per minute. */
export interface SecurityAuditOptions {
  /** Entries per minute per event kind (token bucket, bursts up to the same number); default 30. */
  perMinute?: number;
  now?: () => number;
}

export const DEFAULT_SECURITY_AUDIT_PER_MINUTE = 30;

/**
 * Writes failed authentications, cross-ministry attempts and rate-limit
 * refusals to the issuer's audit chain (events `security-<kind>`), so they
 * sit in the same tamper-evident, anchored record as issuances.
 *
 * What is recorded is itself rate-limited, per event kind and globally (not
 * per address: an unauthenticated flood can come from any number of
 * addresses). Every audit entry is a durable, synced write on the one chain
 * that issuances also append to, so an unbounded record would let anyone
 * without a key slow issuance down and bury the entries that matter. Nothing
 * is dropped silently: the next entry of a kind carries `suppressed`, the
 * number of events of that kind not written since the previous one, and the
 * access log and metrics still see every request.
 */
export function createSecurityAudit(
  issuer: Pick<Issuer, 'recordSecurityEvent'>,
  logger: Logger,
  options: SecurityAuditOptions = {},
) {
  const perMinute = options.perMinute ?? DEFAULT_SECURITY_AUDIT_PER_MINUTE;
  if (!Number.isInteger(perMinute) || perMinute < 1)
    throw new RangeError('security audit perMinute must be a positive integer');
  const now = options.now ?? Date.now;
  const buckets = new Map<SecurityEvent, { tokens: number; at: number; suppressed: number }>();
  return {
    /** Records one event (or counts it as suppressed); never throws: a failed write is logged. */
    async record(kind: SecurityEvent, data: Record<string, unknown>): Promise<void> {
      const t = now();
      const b = buckets.get(kind) ?? { tokens: perMinute, at: t, suppressed: 0 };
      b.tokens = Math.min(perMinute, b.tokens + ((t - b.at) / 60_000) * perMinute);
      b.at = t;
      buckets.set(kind, b);
      if (b.tokens < 1) {
        b.suppressed += 1;
        return;
      }
      b.tokens -= 1;
      const suppressed = b.suppressed;
      b.suppressed = 0;
      try {
        await issuer.recordSecurityEvent(kind, { ...data, ...(suppressed > 0 ? { suppressed } : {}) });
      } catch (err) {
        b.suppressed += suppressed + 1;
        logger.warn({ err, event: kind }, 'security event not written to the audit log');
      }
    },
  };
}

export type SecurityAudit = ReturnType<typeof createSecurityAudit>;
