import { assertPassphrase } from './lib/passphrase.js';
import type { WalletState } from './lib/state.js';
import { Vault } from './lib/vault.js';

/**
 * Re-encrypts every record under a key derived from `newPassphrase` (with a
 * new salt, so every record key changes too) in ONE atomic, synced batch:
 * after a crash the wallet opens with either the old or the new passphrase,
 * never with a mix.
 *
 * @example
 * await wallet.changePassphrase('mật khẩu cũ', 'mật khẩu mới dài hơn')
 * @throws {VneidError} WALLET_LOCKED when `oldPassphrase` is wrong (nothing is changed) or the wallet is closed.
 * @throws {TypeError} for an empty passphrase.
 */
export async function changePassphrase(
  state: WalletState,
  oldPassphrase: string,
  newPassphrase: string,
): Promise<void> {
  assertPassphrase(oldPassphrase, 'oldPassphrase');
  assertPassphrase(newPassphrase, 'newPassphrase');
  // Proves the caller knows the current passphrase, not only holds the open wallet.
  const check = await Vault.unlock(state.vault.db, oldPassphrase);
  check.wipe();
  const { vault, ops } = await state.vault.rekey(newPassphrase);
  try {
    await state.vault.write(ops);
  } catch (error) {
    // Nothing was applied (the batch is atomic): the old keys stay valid.
    vault.wipe();
    throw error;
  }
  state.vault.wipe();
  state.vault = vault;
}
