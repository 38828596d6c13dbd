import type { WalletState } from './lib/state.js';

/**
 * Deletes a credential and its index entry in one synced batch. The
 * transaction log keeps its past entries (the citizen's record of what was
 * shown to whom outlives the credential).
 *
 * @example
 * await wallet.remove('urn:uuid:…') // true when it was there
 * @throws {VneidError} WALLET_LOCKED when closed.
 */
export async function removeCredential(state: WalletState, id: string): Promise<boolean> {
  if (typeof id !== 'string') throw new TypeError('id must be a string');
  const { vault } = state;
  if ((await vault.db.get(vault.keyOf('summary', id))) === undefined) return false;
  await vault.write([vault.del('credential', id), vault.del('summary', id)]);
  return true;
}
