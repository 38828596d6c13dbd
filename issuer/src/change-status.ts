import { hasCode, VneidError } from '@vneid/core';
import type { IssuerContext } from './lib/context.js';
import { publishList } from './lib/status-lists.js';
import type { CredentialState, IssuanceRecord } from './lib/types.js';
import { unknownCredential } from './storage/errors.js';

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
    typeof id === 'string' && id.length > 0 && id.length <= 200 ? await ctx.storage.getRecord(id) : undefined;
  if (!record) throw unknownCredential(id);
  return record;
}

/** Most credentials one status call may change (one transaction). */
export const MAX_STATUS_CHANGES = 10_000;

/**
 * Revokes, suspends or reinstates a credential: the record, the status bits
 * and the audit entry change in one durable unit, and the affected status
 * lists are re-published (in this call with `publishOnChange`, else when
 * they are next served, always from the database's bits).
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
  const [change] = await changeStatuses(ctx, [credentialId], action, reason);
  return change as StatusChange;
}

/**
 * {@link changeStatus} for many credentials in one call and one
 * transaction: all change or none does (the first bad id or transition
 * refuses the whole call, naming it in `details.credentialId`).
 *
 * @throws {VneidError} UNKNOWN_CREDENTIAL, STATUS_TRANSITION_ERROR, INPUT_LIMIT_EXCEEDED (more than {@link MAX_STATUS_CHANGES}).
 * @throws {TypeError} for a bad action, id list or reason.
 */
export async function changeStatuses(
  ctx: IssuerContext,
  credentialIds: string[],
  action: StatusAction,
  reason?: string,
): Promise<StatusChange[]> {
  if (!Object.hasOwn(TRANSITIONS, action)) throw new TypeError('action must be revoke, suspend or reinstate');
  if (reason !== undefined && typeof reason !== 'string') throw new TypeError('reason must be a string');
  if (!Array.isArray(credentialIds)) throw new TypeError('credentialIds must be an array');
  if (credentialIds.length > MAX_STATUS_CHANGES) {
    throw new VneidError('INPUT_LIMIT_EXCEEDED', `at most ${MAX_STATUS_CHANGES} credentials per call`, {
      details: { limit: 'maxStatusChanges', max: MAX_STATUS_CHANGES },
    });
  }
  const ids = [...new Set(credentialIds)];
  for (const id of ids) if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw unknownCredential(id);
  if (ids.length === 0) return [];
  const updated = await ctx.storage.changeStatus(
    ids,
    (record) => {
      const to = TRANSITIONS[action][record.state];
      if (!to || !record.status) {
        throw new VneidError('STATUS_TRANSITION_ERROR', `cannot ${action} a credential that is ${record.state}`, {
          details: { state: record.state, action, credentialId: record.id.slice(0, 80) },
        });
      }
      return {
        state: to,
        audit: {
          event: EVENTS[action],
          data: {
            credentialId: record.id,
            ministry: record.ministry,
            from: record.state,
            to,
            ...(reason ? { reason: reason.slice(0, 200) } : {}),
          },
        },
      };
    },
    ctx.now().toISOString(),
  );
  // Any index built from now on must see the change (it announces the touched lists as newer).
  ctx.statusListsChanged?.();
  const listsOf = (r: IssuanceRecord) =>
    r.status ? [...new Set([r.status.revocation.listId, r.status.suspension.listId])] : [];
  if (ctx.publishOnChange) {
    for (const listId of new Set(updated.flatMap(listsOf))) {
      try {
        await publishList(ctx, listId);
      } catch (error) {
        // The change is committed and acknowledged; the list is published at
        // the next read once the clocks agree (reads answer 503 and count it).
        if (!hasCode(error, 'STATUS_LIST_CLOCK_SKEW')) throw error;
      }
    }
    // The index kept meanwhile announces the lists as changed; the next names the copies just signed.
    ctx.statusListsChanged?.();
  }
  return updated.map((r) => ({ credentialId: r.id, state: r.state, updatedLists: listsOf(r) }));
}
