/**
 * One deadline per request, across all attempts, retries and hedges: a signal that fires at the
 * deadline (or when the caller's signal aborts), and the per-attempt budget
 * `min(attemptTimeout, time left)`. The engine answers `deadline` (-> 504) when it fired.
 */

/** The abort reason when the deadline passes; the classifier sees a `TimeoutError`. */
export function deadlineExceeded(): DOMException {
  return new DOMException('request deadline exceeded', 'TimeoutError');
}

export class RequestDeadline {
  /** Aborts at the deadline or with the caller's signal, whichever comes first. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private expiredFlag = false;

  /**
   * @param deadline on the `now()` clock; `Infinity` for none.
   * @param parent the caller's signal (client gone).
   */
  constructor(
    private readonly parent: AbortSignal,
    readonly deadline: number,
    private readonly now: () => number,
  ) {
    this.signal = this.controller.signal;
    if (parent.aborted) {
      this.controller.abort(parent.reason);
      return;
    }
    parent.addEventListener('abort', this, { once: true });
    const left = deadline - now();
    if (left <= 0) this.expire();
    // One timer per request, not per attempt; cleared in dispose(). Infinity means no deadline.
    else if (Number.isFinite(left)) this.timer = setTimeout(expireDeadline, left, this);
  }

  /** True once the deadline (not the caller) ended the request. */
  get expired(): boolean {
    return this.expiredFlag;
  }

  remainingMs(now = this.now()): number {
    return Math.max(0, this.deadline - now);
  }

  /** Budget of an attempt started now: never past the deadline. */
  attemptBudgetMs(timeoutMs: number, now = this.now()): number {
    return Math.min(timeoutMs, this.remainingMs(now));
  }

  /** The caller's abort, via the EventListener interface: no closure per request. */
  handleEvent(): void {
    this.controller.abort(this.parent.reason);
  }

  /** @internal fired by the timer. */
  expire(): void {
    if (this.controller.signal.aborted) return;
    this.expiredFlag = true;
    this.controller.abort(deadlineExceeded());
  }

  /** Clears the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.parent.removeEventListener('abort', this);
  }
}

function expireDeadline(deadline: RequestDeadline): void {
  deadline.expire();
}
