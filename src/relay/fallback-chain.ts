/**
 * The chain engine: runs one request over a chain of targets, composing the policies.
 *
 *   order candidates (routing/select: priority groups, weights, P2C, slow-start; open breakers
 *   and cooling targets left out) -> one round (routing/round: attempt timeouts within the
 *   deadline, immediate failover, optional hedging) -> if every target failed, another round
 *   from the top after a jittered backoff, only while the retry budget allows -> answer.
 *
 * Breakers, cooldowns and latency stats are per target name and live as long as the engine, so
 * chains sharing a target share its health. Transitions are emitted on `engine.events`.
 */
import type { RelayResponse } from './contract.js';
import type { BreakerOptions } from './policies/circuit-breaker.js';
import type { BreakerStateName, PolicyEvent, PolicyEvents } from './policies/events.js';
import type { HedgeOptions } from './policies/hedge.js';
import type { Attempt } from './policies/policy.js';
import type { RetryBudgetOptions } from './policies/retry-budget.js';
import type { RetryOptions } from './policies/retry.js';
import { Engine } from './routing/engine.js';
import type { TargetFailure } from './routing/launch.js';
import type { TrackerOptions } from './routing/latency-tracker.js';
import type { SelectOptions } from './routing/select.js';
import type { RelayTarget } from './target.js';

export type { TargetFailure } from './routing/launch.js';

/** `primary: connect (ECONNREFUSED); fallback: status_5xx (HTTP 503)` */
export function formatFailures(failures: readonly TargetFailure[]): string {
  return failures.map((failure) => `${failure.target}: ${failure.kind} (${failure.detail})`).join('; ');
}

interface Tried {
  /** Attempts actually sent (hedges and retry rounds included; skipped targets not). */
  readonly attempts: number;
  /** Every failed attempt and skipped target, in order. */
  readonly failures: readonly TargetFailure[];
  /** Target of every attempt sent, in order: those neither failed nor served were cancelled by us. */
  readonly launched: readonly string[];
}

export type ChainResult =
  | (Tried & {
      readonly kind: 'served';
      readonly target: RelayTarget;
      readonly response: RelayResponse;
      readonly failovers: number;
    })
  /** A non-retryable upstream answer (a 4xx) to pass through; `body` is already in OpenAI's error shape. */
  | (Tried & {
      readonly kind: 'rejected';
      readonly target: RelayTarget;
      readonly status: number;
      readonly body: Buffer | undefined;
      readonly headers: Readonly<Record<string, string | string[] | undefined>> | undefined;
    })
  /** No target could serve; `retryAfterMs` is the soonest a skipped target is back, for the 503. */
  | (Tried & { readonly kind: 'exhausted'; readonly retryAfterMs: number })
  /** The request's deadline passed (-> 504). */
  | (Tried & { readonly kind: 'deadline' })
  /** The caller's signal aborted (the client left). */
  | (Tried & { readonly kind: 'aborted' });

export interface ChainRunOptions {
  /** The caller's signal: the client leaving. */
  readonly signal: AbortSignal;
  /** On the engine's clock (`performance.now()` by default); `Infinity` for none. */
  readonly deadline: number;
  /** Streams resolve at the first content chunk: attempts are bounded by `ttfbTimeoutMs`. */
  readonly stream: boolean;
}

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
}

export { chainEngineDefaults } from './routing/engine.js';

export interface ChainEngine {
  readonly events: PolicyEvents;
  /** Runs one request over `targets` (sorted by priority, as `prepareTargets` returns them). */
  run(targets: readonly RelayTarget[], attempt: Attempt, options: ChainRunOptions): Promise<ChainResult>;
  /** True when the target may take traffic now (breaker not open, not cooling): for `/ready`. */
  isAvailable(target: RelayTarget): boolean;
  breakerState(target: RelayTarget): BreakerStateName;
  /** Feeds an active health check's result to every target of `provider`. */
  recordHealth(provider: string, healthy: boolean): void;
  /**
   * How a stream this target served ended: `true` complete, `false` cut after its first byte.
   * A stream's attempt resolves at the first byte with no breaker verdict; this gives it, so a
   * target that cuts every stream mid-way is taken out of rotation like any failing one.
   */
  recordStreamEnd(target: RelayTarget, complete: boolean): void;
  /** The latest breaker and cooldown events, oldest first (for `GET /relay/events`). */
  recentEvents(): readonly PolicyEvent[];
}

/** @throws RangeError naming the option and value when an option is invalid. */
export function createChainEngine(options: Partial<ChainEngineOptions> = {}): ChainEngine {
  return new Engine(options);
}
