import type { IssuerContext } from './lib/context.js';
import { type AuditVerification, verifyAuditChain } from './storage/audit-chain.js';
import type { AuditHead } from './storage/contract.js';

export type { AuditHead, AuditVerification };

/**
 * Re-verifies the whole audit log, an HMAC chain keyed by the passphrase,
 * streaming it from the storage (constant memory whatever its length): a
 * changed, inserted or deleted entry breaks the chain at the first bad seq,
 * and rewriting it needs the passphrase. To also catch a cut tail with a
 * rewound head, export {@link auditHead} regularly to another system and pass
 * the last exported head as `anchor`. Reports, never throws for a broken chain.
 *
 * @example
 * const { valid, brokenAt } = await issuer.verifyAuditLog({ anchor: lastExportedHead });
 */
export async function verifyAuditLog(
  ctx: IssuerContext,
  options: { anchor?: AuditHead } = {},
): Promise<AuditVerification> {
  return verifyAuditChain(ctx.storage, ctx.auditChainKey, options.anchor);
}

/** The current head of the audit chain (`seq`, `hash`), to anchor outside the issuer's folder. */
export function auditHead(ctx: IssuerContext): AuditHead {
  return ctx.storage.auditHead();
}
