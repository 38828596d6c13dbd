import { type AuditVerification, verifyAuditChain } from './lib/audit.js';
import type { IssuerContext } from './lib/context.js';

export type { AuditVerification };

/**
 * Re-verifies the whole hash-chained audit log: a changed, inserted or
 * deleted entry (or a cut tail) breaks the chain at the first bad seq.
 * Reports, never throws for a broken chain.
 *
 * @example
 * const { valid, brokenAt } = await issuer.verifyAuditLog();
 */
export async function verifyAuditLog(ctx: IssuerContext): Promise<AuditVerification> {
  return verifyAuditChain(ctx);
}
