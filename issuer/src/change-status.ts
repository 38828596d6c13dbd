import { VneidError } from '@vneid/core';
import { auditOps } from './lib/audit.js';
import type { IssuerContext } from './lib/context.js';
import { commit, type Op } from './lib/db.js';
import { signListLocked } from './lib/status-lists.js';
import type { CredentialState, IssuanceRecord } from './lib/types.js';

/** A status change a ministry can make. */
export type StatusAction = 'revoke' | 'suspend' | 'reinstate';

/** The outcome of a status change. */
export interface StatusChange {
  credentialId: string;
  state: CredentialState;
  /** Status list ids re-signed because of this change. */
  updatedLists: string[];
}

// Revocation is final; suspension is the only reversible state.
const TRANSITIONS: Record<StatusAction, Partial<Record<CredentialState, CredentialState>>> = {
  revoke: { active: 'revoked', suspended: 'revoked' },
  suspend: { active: 'suspended' },
  reinstate: { suspended: 'active' },
};

const EVENTS: Record<StatusAction, string> = {
  revoke: 'credential-revoked',
  suspend: 'credential-suspended',
  reinstate: 'credential-reinstated',
};

/** The issuance record of a credential id, or UNKNOWN_CREDENTIAL. */
export async function requireRecord(ctx: IssuerContext, id: unknown): Promise<IssuanceRecord> {
  const record =
    typeof id === 'string' && id.length > 0 && id.length <= 200
      ? ((await ctx.db.records.get(id)) as IssuanceRecord | undefined)
      : undefined;
  if (!record) {
    throw new VneidError('UNKNOWN_CREDENTIAL', 'no credential with this id was issued here', {
      details: { credentialId: typeof id === 'string' ? id.slice(0, 80) : typeof id },
    });
  }
  return record;
}

/**
 * Revokes, suspends or reinstates a credential: the record, the status bits
 * and the audit entry change in one synced batch, then the affected status
 * list credentials are re-signed so that the served lists show it at once.
 * `reason` is an administrative note kept in the audit log; it must not
 * contain personal data (it is cut to 200 characters).
 *
 * @example
 * await issuer.revoke('urn:uuid:…', 'licence withdrawn by court order');
 * @throws {VneidError} UNKNOWN_CREDENTIAL, STATUS_TRANSITION_ERROR (from revoked, or reinstating an active credential).
 * @see https://www.w3.org/TR/vc-bitstring-status-list/
 */
export async function changeStatus(
  ctx: IssuerContext,
  credentialId: string,
  action: StatusAction,
  reason?: string,
): Promise<StatusChange> {
  if (!Object.hasOwn(TRANSITIONS, action)) throw new TypeError('action must be revoke, suspend or reinstate');
  if (reason !== undefined && typeof reason !== 'string') throw new TypeError('reason must be a string');
  return ctx.lock(async () => {
    const record = await requireRecord(ctx, credentialId);
    const to = TRANSITIONS[action][record.state];
    if (!to || !record.status) {
      throw new VneidError('STATUS_TRANSITION_ERROR', `cannot ${action} a credential that is ${record.state}`, {
        details: { state: record.state, action },
      });
    }
    const { revocation, suspension } = record.status;
    const bit = (slot: { listId: string; index: number }, on: boolean): Op =>
      on
        ? { type: 'put', sublevel: ctx.db.bits, key: `${slot.listId}!${slot.index}`, value: true }
        : { type: 'del', sublevel: ctx.db.bits, key: `${slot.listId}!${slot.index}` };
    // A revoked credential shows only as revoked: its suspension bit is cleared.
    const ops: Op[] = [bit(revocation, to === 'revoked'), bit(suspension, to === 'suspended')];
    const now = ctx.now().toISOString();
    const updated: IssuanceRecord = { ...record, state: to, stateChangedAt: now };
    const audit = auditOps(ctx, EVENTS[action], {
      credentialId: record.id,
      ministry: record.ministry,
      from: record.state,
      to,
      ...(reason ? { reason: reason.slice(0, 200) } : {}),
    });
    await commit(ctx.db, [
      ...ops,
      { type: 'put', sublevel: ctx.db.records, key: record.id, value: updated },
      ...audit.ops,
    ]);
    audit.after();
    const lists = [...new Set([revocation.listId, suspension.listId])];
    for (const listId of lists) await signListLocked(ctx, listId);
    return { credentialId: record.id, state: to, updatedLists: lists };
  });
}
