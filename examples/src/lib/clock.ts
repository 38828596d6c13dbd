/**
 * The one clock of a scenario world: issuer, wallet and verifier all read it,
 * so a scenario can move time (a card expiring at the counter) without
 * touching the system clock.
 */
export interface Clock {
  now(): Date;
  /** Fixes the time (until {@link Clock.reset}). */
  set(at: Date): void;
  /** Back to the system clock. */
  reset(): void;
}

/**
 * A clock that follows the system clock until set.
 *
 * @example
 * const clock = createClock(); clock.set(new Date('2031-12-31T17:00:01Z')); clock.now()
 */
export function createClock(): Clock {
  let fixed: Date | undefined;
  return {
    now: () => (fixed ? new Date(fixed) : new Date()),
    set(at) {
      if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('at must be a valid Date');
      fixed = new Date(at);
    },
    reset() {
      fixed = undefined;
    },
  };
}
