import type { HistoryEntry, StoredLogEntry, WalletState } from './lib/state.js';

/**
 * The transaction log, newest first: every presentation with its time, the
 * verifier's domain, the credentials used and the NAMES of the fields
 * disclosed — never their values (a dashboard in the style of the EU
 * Digital Identity Wallet's).
 *
 * @example
 * for (const e of await wallet.history()) console.log(e.at, e.domain, e.credentials.map((c) => c.fields))
 * @throws {VneidError} WALLET_LOCKED when closed, WALLET_CORRUPTED for a damaged record.
 */
export async function history(state: WalletState): Promise<HistoryEntry[]> {
  const log = (await state.vault.all<StoredLogEntry>('log')).map((r) => r.value);
  return (
    log
      // The sequence, not the clock: a clock set back must not reorder what happened.
      .sort((a, b) => b.seq - a.seq)
      .map(({ seq: _seq, ...entry }) => entry)
  );
}
