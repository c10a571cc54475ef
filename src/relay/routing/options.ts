/** The chain engine's options and the defaults of those that are plain numbers. */
import type { BreakerOptions } from '../policies/circuit-breaker.js';
import type { HedgeOptions } from '../policies/hedge.js';
import { RETRY_AFTER_MAX_MS } from '../policies/retry-after.js';
import type { RetryBudgetOptions } from '../policies/retry-budget.js';
import type { RetryOptions } from '../policies/retry.js';
import type { TrackerOptions } from './latency-tracker.js';
import type { SelectOptions } from './select.js';

export interface ChainEngineOptions {
  /** Monotonic ms; default `performance.now()`. */
  readonly now: () => number;
  /** Wall clock for Retry-After dates; default `Date.now()`. */
  readonly epochNow: () => number;
  /** In [0, 1): jitter, weighted picks, slow-start. Default `Math.random`. */
  readonly random: () => number;
  readonly breaker: Partial<BreakerOptions>;
  /** `maxAttempts` = rounds over the whole chain per request (1: no retry). */
  readonly retry: Partial<RetryOptions>;
  readonly retryBudget: Partial<RetryBudgetOptions>;
  readonly hedge: Partial<HedgeOptions>;
  readonly tracker: Partial<TrackerOptions>;
  readonly select: Partial<SelectOptions>;
  /** Longest cooldown a Retry-After may impose. */
  readonly cooldownMaxMs: number;
  /** Cooldown after a 429 that gave no hint. */
  readonly default429CooldownMs: number;
  /** `retryAfterMs` of an exhausted answer when a target is available again right away. */
  readonly exhaustedRetryAfterMs: number;
  /** How many recent events `recentEvents()` keeps. */
  readonly eventHistory: number;
  /** A target that answered "no such model" is tried after every other candidate for this long (0: never). */
  readonly modelNotFoundCooldownMs: number;
}

/** Engine options that are plain numbers. */
export const chainEngineDefaults = Object.freeze({
  cooldownMaxMs: RETRY_AFTER_MAX_MS,
  default429CooldownMs: 1_000,
  exhaustedRetryAfterMs: 1_000,
  eventHistory: 200,
  modelNotFoundCooldownMs: 60_000,
});
