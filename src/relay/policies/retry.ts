/**
 * Retries with exponential backoff and full jitter, capped per request, under a budget. The chain
 * engine's strategy: failover to the next target is immediate and is not a retry; only when every
 * target failed does it retry the whole chain from the top ({@link backoffMs} + the retry budget,
 * decided in `routing/engine.ts`).
 */

export interface RetryOptions {
  /** Rounds over the whole chain per request (1: no retry). */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxBackoffMs: number;
  /**
   * Extra attempts on the last candidate of a pass (the only one of a single-provider chain)
   * after a transient failure (reset, refused, 5xx without Retry-After...), with the same
   * backoff, inside the deadline and the retry budget (0: none).
   */
  readonly sameTarget: number;
  /**
   * When every target of the chain is cooling down (a Retry-After, a 429) and the soonest is back
   * within this many ms and before the deadline, the request waits for it instead of failing
   * with 503 (at most twice per request; 0: never wait).
   */
  readonly maxRetryAfterWaitMs: number;
}

export const retryDefaults: RetryOptions = Object.freeze({
  maxAttempts: 2,
  baseMs: 100,
  maxBackoffMs: 2_000,
  // Off for the bare engine; the relay config turns it on (policies.retry.sameTarget: 1).
  sameTarget: 0,
  maxRetryAfterWaitMs: 0,
});

/** Full jitter: uniform in [0, min(maxBackoffMs, baseMs * 2^(retry-1))). `retry` counts from 1. */
export function backoffMs(
  retry: number,
  options: Pick<RetryOptions, 'baseMs' | 'maxBackoffMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(options.maxBackoffMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** @throws RangeError naming the field and value. */
export function validateRetryOptions(options: RetryOptions): RetryOptions {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts: expected an integer >= 1, got ${String(options.maxAttempts)}`);
  }
  if (!Number.isInteger(options.sameTarget) || options.sameTarget < 0) {
    throw new RangeError(`retry.sameTarget: expected an integer >= 0, got ${String(options.sameTarget)}`);
  }
  for (const field of ['baseMs', 'maxBackoffMs', 'maxRetryAfterWaitMs'] as const) {
    if (!(options[field] >= 0 && Number.isFinite(options[field]))) {
      throw new RangeError(`retry.${field}: expected a number >= 0, got ${String(options[field])}`);
    }
  }
  return options;
}
