import { VneidError } from '@vneid/core';
import type { IssuerContext } from './context.js';

/** Default bound on backdating: a caller may set `validFrom` at most this many seconds in the past. */
export const DEFAULT_MAX_BACKDATING_SECONDS = 86_400;

/**
 * The issuance policy on a credential's validity period, the same for our
 * document types and general credentials: the period must not end before it
 * starts (VCDM 2.0 §4.9), and `validFrom` may lie at most
 * `ctx.maxBackdatingSeconds` in the past — a caller-chosen start long ago
 * would make a credential signed today look as if it had existed then.
 * `from`/`until` are the fields' names in the caller's document (VCDM 1.1
 * uses issuanceDate/expirationDate).
 *
 * @throws {VneidError} VALIDITY_PERIOD_INVALID naming the field.
 */
export function checkValidityPeriod(
  ctx: Pick<IssuerContext, 'now' | 'maxBackdatingSeconds'>,
  period: { validFrom?: string; validUntil?: string },
  names: { from: string; until: string } = { from: 'validFrom', until: 'validUntil' },
): void {
  const from = period.validFrom === undefined ? undefined : Date.parse(period.validFrom);
  const until = period.validUntil === undefined ? undefined : Date.parse(period.validUntil);
  if (from !== undefined && until !== undefined && until <= from) {
    throw new VneidError('VALIDITY_PERIOD_INVALID', `${names.until} must be later than ${names.from}`, {
      details: { pointer: `/${names.until}`, field: names.until },
    });
  }
  if (from !== undefined && from < ctx.now().getTime() - ctx.maxBackdatingSeconds * 1000) {
    throw new VneidError(
      'VALIDITY_PERIOD_INVALID',
      `${names.from} lies more than ${ctx.maxBackdatingSeconds} s in the past (backdating limit)`,
      { details: { pointer: `/${names.from}`, field: names.from, maxBackdatingSeconds: ctx.maxBackdatingSeconds } },
    );
  }
}
