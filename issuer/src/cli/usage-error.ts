/** A mistake in how the CLI was called (exit code 1, no error code): bad flags, unreadable files, missing settings. */
export class UsageError extends Error {
  override name = 'UsageError';
}
