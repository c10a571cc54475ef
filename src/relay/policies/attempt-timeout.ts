/**
 * Bounds one attempt: from send to the last body byte for JSON, to the first content chunk for a
 * stream (the attempt resolves there), and never past the request's deadline. On expiry the
 * attempt's signal aborts with a `TimeoutError` DOMException, which the classifier reports as
 * `timeout`.
 */
import type { Attempt, AttemptContext, AttemptOutcome } from '../contract.js';

/** The abort reason of an expired attempt; distinct from the deadline's so the engine can tell. */
export class AttemptTimeoutError extends DOMException {
  constructor(readonly timeoutMs: number) {
    super(`attempt timed out after ${Math.round(timeoutMs)} ms`, 'TimeoutError');
  }
}

/**
 * Runs `attempt` with its own controller (pass one to abort it from outside, e.g. a lost hedge),
 * linked to `context.signal`, for at most `min(timeoutMs, context.deadline - now())`.
 * @param clampToDeadline false when `context.signal` itself aborts at the deadline (the chain
 *   engine's RequestDeadline): only `timeoutMs` is timed here then, so that no second timer due at
 *   the same instant races the deadline's and reports an attempt timeout instead.
 */
export async function runWithTimeout(
  attempt: Attempt,
  context: AttemptContext,
  timeoutMs: number,
  now: () => number,
  controller = new AbortController(),
  clampToDeadline = true,
): Promise<AttemptOutcome> {
  const parent = context.signal;
  const link = new ParentLink(parent, controller);
  const budget = clampToDeadline ? Math.min(timeoutMs, context.deadline - now()) : timeoutMs;
  // One timer per attempt, cleared in finally: unlike AbortSignal.timeout() it dies with the attempt.
  const timer = budget > 0 ? setTimeout(abortForTimeout, budget, controller, budget) : undefined;
  if (budget <= 0) controller.abort(new AttemptTimeoutError(0));
  let outcome: AttemptOutcome | undefined;
  try {
    outcome = await attempt({ target: context.target, signal: controller.signal, deadline: context.deadline });
    return outcome;
  } finally {
    clearTimeout(timer);
    // A served stream keeps reading with this signal: the caller's abort must still reach it.
    if (outcome?.response?.kind !== 'stream') link.unlink();
  }
}

/** Links a parent signal to a child controller as an EventListener object: no closure per attempt. */
class ParentLink {
  constructor(
    private readonly parent: AbortSignal,
    private readonly child: AbortController,
  ) {
    if (parent.aborted) child.abort(parent.reason);
    else parent.addEventListener('abort', this, { once: true });
  }

  handleEvent(): void {
    this.child.abort(this.parent.reason);
  }

  unlink(): void {
    this.parent.removeEventListener('abort', this);
  }
}

function abortForTimeout(controller: AbortController, timeoutMs: number): void {
  controller.abort(new AttemptTimeoutError(timeoutMs));
}
