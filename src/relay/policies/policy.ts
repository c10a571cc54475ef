/**
 * The one execution contract shared by every resilience policy (timeout now; retry, breaker,
 * hedging later): a policy receives the attempt and its context and returns the attempt's outcome.
 * Policies never import each other; {@link wrap} composes them.
 */
import type { Classification } from '../classify.js';
import type { RelayTarget } from '../target.js';
import type { UpstreamResponse } from '../upstream.js';

/**
 * What one attempt produced. Upstream failures are values, not exceptions, so policies decide
 * from `verdict` without try/catch; an attempt rejects only on a bug.
 */
export type AttemptOutcome =
  | { readonly verdict: Classification; readonly response: UpstreamResponse; readonly error?: undefined }
  | { readonly verdict: Classification; readonly error: unknown; readonly response?: undefined };

export interface AttemptContext {
  readonly target: RelayTarget;
  /** Aborted when the attempt must stop (client gone, timeout, ...). */
  readonly signal: AbortSignal;
}

/** One call to one target. */
export type Attempt = (context: AttemptContext) => Promise<AttemptOutcome>;

export interface Policy {
  execute(attempt: Attempt, context: AttemptContext): Promise<AttemptOutcome>;
}

/** Runs the attempt unchanged. */
export const noPolicy: Policy = Object.freeze({
  execute: (attempt: Attempt, context: AttemptContext) => attempt(context),
});

/** Composes policies, outermost first: `wrap(breaker, retry, timeout)`. */
export function wrap(...policies: readonly Policy[]): Policy {
  return policies.reduceRight<Policy>(
    (inner, outer) => ({ execute: (attempt, context) => outer.execute((ctx) => inner.execute(attempt, ctx), context) }),
    noPolicy,
  );
}
