/**
 * Bounds one attempt, from send to the last body byte. On expiry the attempt's signal aborts with
 * a `TimeoutError` DOMException, which the classifier reports as `timeout`.
 */
import type { Policy } from './policy.js';

/** A policy aborting each attempt after `timeoutMs`; also follows the caller's signal. */
export function attemptTimeout(timeoutMs: number): Policy {
  return {
    async execute(attempt, context) {
      const controller = new AbortController();
      const parent = context.signal;
      if (parent.aborted) controller.abort(parent.reason);
      // One listener per attempt links the caller's signal; removed in finally so none pile up.
      const onParentAbort = (): void => controller.abort(parent.reason);
      parent.addEventListener('abort', onParentAbort, { once: true });
      // One timer per attempt, cleared in finally: unlike AbortSignal.timeout() it dies with the attempt.
      const timer = setTimeout(abortForTimeout, timeoutMs, controller, timeoutMs);
      try {
        return await attempt({ target: context.target, signal: controller.signal });
      } finally {
        clearTimeout(timer);
        parent.removeEventListener('abort', onParentAbort);
      }
    },
  };
}

function abortForTimeout(controller: AbortController, timeoutMs: number): void {
  controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
}
