import { type ErrorCode, JsonLdSafeModeError, VneidError } from '../errors.js';

/**
 * jsonld and jsonld-signatures wrap the errors thrown inside a document
 * loader (`details.cause`, `cause`, `errors[]`). Find ours so that the code a
 * caller sees is the code we raised, not a message we would have to parse.
 */
export function findVneidError(error: unknown, depth = 0): VneidError | undefined {
  if (depth > 8 || !error || typeof error !== 'object') return undefined;
  if (error instanceof VneidError) return error;
  const e = error as { cause?: unknown; details?: { cause?: unknown }; errors?: unknown[] };
  for (const inner of [e.cause, e.details?.cause, ...(Array.isArray(e.errors) ? e.errors : [])]) {
    const found = findVneidError(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function isSafeModeError(error: unknown, depth = 0): boolean {
  if (depth > 8 || !error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; cause?: unknown; details?: { cause?: unknown }; errors?: unknown[] };
  if (e.name === 'jsonld.ValidationError') return true;
  return [e.cause, e.details?.cause, ...(Array.isArray(e.errors) ? e.errors : [])].some((x) =>
    isSafeModeError(x, depth + 1),
  );
}

/**
 * Turns whatever a dependency threw into one of our errors: a VneidError
 * found in the chain, a safe-mode refusal as JSONLD_SAFE_MODE_ERROR, anything
 * else as `fallback` with the original as `cause`.
 */
export function toVneidError(error: unknown, fallback: ErrorCode, message: string): VneidError {
  const ours = findVneidError(error);
  if (ours) return ours;
  if (isSafeModeError(error)) {
    return new JsonLdSafeModeError('JSON-LD safe mode refused the document (undefined term or relative IRI)', {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new VneidError(fallback, `${message}: ${reason.slice(0, 300)}`, { cause: error });
}
