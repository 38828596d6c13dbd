/** Passphrases longer than this are refused before scrypt sees them. */
const MAX_PASSPHRASE_LENGTH = 1024;

/**
 * Caller misuse, not bad data: a passphrase must be a non-empty string.
 *
 * @throws {TypeError}
 */
export function assertPassphrase(value: unknown, name = 'passphrase'): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PASSPHRASE_LENGTH) {
    throw new TypeError(`${name} must be a non-empty string of at most ${MAX_PASSPHRASE_LENGTH} characters`);
  }
}
