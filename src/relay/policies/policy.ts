/**
 * The one execution contract shared by every resilience policy: a policy receives the attempt and
 * its context and returns the attempt's outcome. Policies never import each other; {@link wrap}
 * composes them and the chain engine (fallback-chain.ts) orchestrates them across targets.
 */
import type { Classification } from '../classify.js';
import type { RelayResponse } from '../contract.js';
import type { RelayTarget } from '../target.js';

/** An attempt that served: `verdict.kind === 'ok'`, the answer already in OpenAI's shape. */
export interface ServedOutcome {
  readonly verdict: Classification;
  readonly response: RelayResponse;
  readonly status?: undefined;
  readonly headers?: undefined;
  readonly body?: undefined;
  readonly error?: undefined;
}

/**
 * An attempt that failed: an HTTP answer (`status`, `headers`, `body` translated to OpenAI's error
 * shape by the dialect) or a thrown network error (`error`).
 */
export interface FailedOutcome {
  readonly verdict: Classification;
  readonly response?: undefined;
  readonly status?: number | undefined;
  /** Upstream response headers, lower-case names as Node gives them (Retry-After lives here). */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>> | undefined;
  readonly body?: Buffer | undefined;
  readonly error?: unknown;
}

/**
 * What one attempt produced. Upstream failures are values, not exceptions, so policies decide
 * from `verdict` without try/catch; an attempt rejects only on a bug.
 */
export type AttemptOutcome = ServedOutcome | FailedOutcome;

export interface AttemptContext {
  readonly target: RelayTarget;
  /** Aborted when the attempt must stop (client gone, deadline, attempt timeout, hedge lost). */
  readonly signal: AbortSignal;
  /** The request's deadline across all attempts, on the `performance.now()` clock (ms). */
  readonly deadline: number;
}

/** One call to one target; never rejects for upstream failures. */
export type Attempt = (context: AttemptContext) => Promise<AttemptOutcome>;

export interface Policy {
  execute(attempt: Attempt, context: AttemptContext): Promise<AttemptOutcome>;
}

/** True when the outcome carries an answer to serve. */
export function isServed(outcome: AttemptOutcome): outcome is ServedOutcome {
  return outcome.response !== undefined && outcome.verdict.kind === 'ok';
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
