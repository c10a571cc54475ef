/**
 * Retries with exponential backoff and full jitter, only for retryable verdicts, capped per
 * request, under a budget. The chain engine's default strategy: failover to the next target is
 * immediate and is not a retry; only when every target failed does it retry the whole chain from
 * the top ({@link backoffMs} + budget). {@link retryPolicy} is the optional same-target retry.
 */
import { retrySameTarget } from '../classify.js';
import type { Policy } from './policy.js';

export interface RetryOptions {
  /** Attempts per request in total (per chain round for the engine, per target for the policy). */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxBackoffMs: number;
}

export const retryDefaults: RetryOptions = Object.freeze({ maxAttempts: 2, baseMs: 100, maxBackoffMs: 2_000 });

/** Anything that can grant an extra attempt (a RetryBudget); structural, so policies stay apart. */
export interface ExtraAttemptBudget {
  tryWithdraw(): boolean;
}

export interface RetryPolicyDeps {
  readonly budget?: ExtraAttemptBudget | undefined;
  /** In [0, 1); injected so tests control the jitter. */
  readonly random: () => number;
  /** `performance.now()`-clock ms, the clock of `AttemptContext.deadline`. */
  readonly now: () => number;
}

/** Full jitter: uniform in [0, min(maxBackoffMs, baseMs * 2^(retry-1))). `retry` counts from 1. */
export function backoffMs(retry: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxBackoffMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `ms` unless `signal` aborts first. @returns false when aborted. Clears its timer either way. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Retries the same target: at most `maxAttempts` in all, only retryable verdicts, only when the
 * backoff ends before the deadline and the budget grants it.
 */
export function retryPolicy(options: RetryOptions, deps: RetryPolicyDeps): Policy {
  validateRetryOptions(options);
  return {
    async execute(attempt, context) {
      let outcome = await attempt(context);
      for (let retry = 1; retry < options.maxAttempts; retry++) {
        // Quota and auth failures are retryable elsewhere, never on the same target.
        if (outcome.verdict.kind === 'ok' || !retrySameTarget(outcome.verdict) || context.signal.aborted) break;
        const wait = backoffMs(retry, options, deps.random);
        if (deps.now() + wait >= context.deadline) break;
        if (deps.budget !== undefined && !deps.budget.tryWithdraw()) break;
        if (!(await sleep(wait, context.signal))) break;
        outcome = await attempt(context);
      }
      return outcome;
    },
  };
}

/** @throws RangeError naming the field and value. */
export function validateRetryOptions(options: RetryOptions): RetryOptions {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts: expected an integer >= 1, got ${String(options.maxAttempts)}`);
  }
  for (const field of ['baseMs', 'maxBackoffMs'] as const) {
    if (!(options[field] >= 0 && Number.isFinite(options[field]))) {
      throw new RangeError(`retry.${field}: expected a number >= 0, got ${String(options[field])}`);
    }
  }
  return options;
}
