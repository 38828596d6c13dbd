import { randomUUID } from 'node:crypto';
import type { WalletState } from './lib/state.js';

/** One consent receipt: what was (or was not) shared with whom, why and when — never a value. */
export interface ConsentReceipt {
  id: string;
  at: string;
  outcome: 'shared' | 'refused-by-citizen' | 'refused-by-wallet';
  verifier: { domain: string; registered: boolean };
  purpose: string[];
  credentials: Array<{ type: string; fields: string[] }>;
  seq: number;
}

let counter = 0;

/** Writes a receipt in a synced batch (before anything leaves the wallet when it is a disclosure). */
export async function recordConsent(
  state: WalletState,
  what: {
    domain: string;
    registered: boolean;
    purpose: string[];
    credentials: Array<{ type: string; fields: string[] }>;
  },
  outcome: ConsentReceipt['outcome'],
  /** Written in the same synced batch (the transaction-log entry of a disclosure). */
  extraOps: Parameters<WalletState['vault']['write']>[0] = [],
): Promise<ConsentReceipt> {
  const receipt: ConsentReceipt = {
    id: `urn:uuid:${randomUUID()}`,
    at: state.now().toISOString(),
    outcome,
    verifier: { domain: what.domain, registered: what.registered },
    purpose: what.purpose,
    credentials: what.credentials.map((c) => ({ type: c.type, fields: [...c.fields] })),
    // Orders receipts written in the same millisecond; the clock alone may go backwards.
    seq: Date.now() * 1000 + (counter++ % 1000),
  };
  await state.vault.write([...extraOps, state.vault.put('consent', receipt.id, receipt)]);
  return receipt;
}

/**
 * Every consent and refusal, newest first: the citizen's list of what was
 * shared with whom (field names only).
 *
 * @example
 * for (const r of await wallet.consents()) console.log(r.at, r.verifier.domain, r.outcome, r.credentials)
 */
export async function consents(state: WalletState): Promise<ConsentReceipt[]> {
  const all = (await state.vault.all<ConsentReceipt>('consent')).map((r) => r.value);
  return all.sort((a, b) => b.seq - a.seq);
}

/** The citizen says no: the preview is dropped and the refusal recorded. */
export async function refuse(state: WalletState, previewId: string): Promise<ConsentReceipt> {
  const shown = state.previews.get(previewId);
  if (!shown) throw new TypeError('unknown preview id');
  state.previews.delete(previewId);
  state.authorizationRequests.delete(previewId);
  return recordConsent(
    state,
    {
      domain: shown.verifier.domain,
      registered: shown.verifier.registered,
      purpose: shown.purpose,
      credentials: shown.credentials,
    },
    'refused-by-citizen',
  );
}
