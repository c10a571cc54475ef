/**
 * Hedged requests: when the attempt in flight has not answered after the hedge delay, the next
 * candidate starts in parallel; the first good answer wins and the loser is aborted (a loser
 * that had already produced a stream is cancelled). A budget (hedges <= `ratio` of requests)
 * bounds the extra load. The delay is fixed, or the target's observed p95 latency when known.
 * The race itself runs in the chain engine's round (routing/round.ts).
 */

export interface HedgeOptions {
  readonly enabled: boolean;
  /** Fixed delay, and the delay while a target's p95 is still unknown. */
  readonly delayMs: number;
  /** Use the target's p95 latency as the delay once it is known. */
  readonly useP95: boolean;
  /** Bounds on a p95-derived delay, so a noisy estimate neither hedges everything nor nothing. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Attempts in flight at once for one request (primary included). */
  readonly maxParallel: number;
  /** Hedges per request allowed over the budget window, e.g. 0.1 = 10%. */
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly windowMs: number;
  /**
   * A loser of a hedge race that had run this many times its target's usual latency when it was
   * cancelled counts as a failure for that target's breaker (as does one past its attempt timeout).
   */
  readonly slowLoserFactor: number;
}

export const hedgeDefaults: HedgeOptions = Object.freeze({
  enabled: false,
  delayMs: 1_000,
  useP95: true,
  minDelayMs: 50,
  maxDelayMs: 5_000,
  maxParallel: 2,
  ratio: 0.1,
  minPerSecond: 0.5,
  windowMs: 10_000,
  slowLoserFactor: 2,
});

/** The hedge delay for an attempt on a target whose p95 latency is `p95` (undefined: unknown). */
export function hedgeDelayMs(options: HedgeOptions, p95: number | undefined): number {
  if (!options.useP95 || p95 === undefined) return options.delayMs;
  return Math.min(options.maxDelayMs, Math.max(options.minDelayMs, p95));
}

/** @throws RangeError naming the field and value. */
export function validateHedgeOptions(options: HedgeOptions): HedgeOptions {
  for (const field of ['delayMs', 'minDelayMs', 'maxDelayMs', 'ratio', 'minPerSecond'] as const) {
    if (!(options[field] >= 0 && Number.isFinite(options[field]))) {
      throw new RangeError(`hedge.${field}: expected a number >= 0, got ${String(options[field])}`);
    }
  }
  if (options.minDelayMs > options.maxDelayMs) {
    throw new RangeError(`hedge.minDelayMs: expected <= maxDelayMs (${options.maxDelayMs}), got ${options.minDelayMs}`);
  }
  if (!Number.isInteger(options.maxParallel) || options.maxParallel < 1) {
    throw new RangeError(`hedge.maxParallel: expected an integer >= 1, got ${String(options.maxParallel)}`);
  }
  if (!(options.slowLoserFactor >= 1 && Number.isFinite(options.slowLoserFactor)))
    throw new RangeError(`hedge.slowLoserFactor: expected a number >= 1, got ${String(options.slowLoserFactor)}`);
  if (!(options.windowMs > 0))
    throw new RangeError(`hedge.windowMs: expected a number > 0, got ${String(options.windowMs)}`);
  return options;
}
