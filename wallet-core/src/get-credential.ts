import type { JsonObject } from '@vneid/core';
import type { WalletState } from './lib/state.js';

/**
 * The full credential (as issued, with its base proof) held under `id`, or
 * `undefined` when the wallet holds none.
 *
 * @example
 * const vc = await wallet.get('urn:uuid:…')
 * @throws {VneidError} WALLET_LOCKED when closed, WALLET_CORRUPTED for a damaged record.
 */
export async function getCredential(state: WalletState, id: string): Promise<JsonObject | undefined> {
  if (typeof id !== 'string') throw new TypeError('id must be a string');
  return state.vault.get<JsonObject>('credential', id);
}
