/**
 * The fallback chain: tries targets in priority order, each attempt run through the policy stack.
 * A retryable failure moves on to the next target; a non-retryable HTTP answer (a 4xx) is the
 * client's answer; a non-retryable error ends the chain.
 */
import type { FailureKind } from './classify.js';
import type { Attempt, AttemptOutcome, Policy } from './policies/policy.js';
import type { RelayTarget } from './target.js';
import type { UpstreamResponse } from './upstream.js';

/** One failed attempt, for error messages and reports. */
export interface TargetFailure {
  readonly target: string;
  readonly kind: FailureKind;
  /** `HTTP 503`, an error code such as `ECONNREFUSED`, or an error name. */
  readonly detail: string;
}

interface Tried {
  /** Attempts made, including any retries policies add. */
  readonly attempts: number;
  readonly failures: readonly TargetFailure[];
}

export type ChainResult =
  /** A 2xx completion. */
  | (Tried & { readonly kind: 'served'; readonly target: RelayTarget; readonly response: UpstreamResponse })
  /** An answer not worth retrying elsewhere (a 4xx), to pass through as is. */
  | (Tried & { readonly kind: 'rejected'; readonly target: RelayTarget; readonly response: UpstreamResponse })
  /** Every target failed retryably. */
  | (Tried & { readonly kind: 'exhausted' })
  /** A non-retryable error without an answer (an unknown error). */
  | (Tried & { readonly kind: 'failed' })
  /** The caller's signal aborted. */
  | (Tried & { readonly kind: 'aborted' });

export class FallbackChain {
  /** @param targets priority order; @param policy wraps every attempt (e.g. the attempt timeout). */
  constructor(
    readonly targets: readonly RelayTarget[],
    private readonly policy: Policy,
  ) {}

  /** Runs `attempt` against targets until one serves or none is left. */
  async run(attempt: Attempt, signal: AbortSignal): Promise<ChainResult> {
    const failures: TargetFailure[] = [];
    let attempts = 0;
    // Counted inside the policy stack, so attempts added later by retries are counted too.
    const counted: Attempt = (context) => {
      attempts++;
      return attempt(context);
    };
    for (const target of this.targets) {
      if (signal.aborted) break;
      const outcome = await this.policy.execute(counted, { target, signal });
      if (outcome.verdict.kind === 'ok' && outcome.response !== undefined) {
        return { kind: 'served', target, response: outcome.response, attempts, failures };
      }
      failures.push(describeFailure(target.name, outcome));
      if (signal.aborted) break;
      if (!outcome.verdict.retryable) {
        return outcome.response === undefined
          ? { kind: 'failed', attempts, failures }
          : { kind: 'rejected', target, response: outcome.response, attempts, failures };
      }
    }
    return signal.aborted ? { kind: 'aborted', attempts, failures } : { kind: 'exhausted', attempts, failures };
  }
}

function describeFailure(target: string, outcome: AttemptOutcome): TargetFailure {
  const kind = outcome.verdict.kind === 'ok' ? 'unknown' : outcome.verdict.kind;
  if (outcome.response !== undefined) return { target, kind, detail: `HTTP ${outcome.response.status}` };
  const { code, name } = (outcome.error ?? {}) as { code?: unknown; name?: unknown };
  return { target, kind, detail: typeof code === 'string' ? code : typeof name === 'string' ? name : 'error' };
}

/** `primary: connect (ECONNREFUSED); fallback: status_5xx (HTTP 503)` */
export function formatFailures(failures: readonly TargetFailure[]): string {
  return failures.map((failure) => `${failure.target}: ${failure.kind} (${failure.detail})`).join('; ');
}
