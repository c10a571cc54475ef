/**
 * A request's time limits: one deadline across all its attempts, retries and hedges, and each
 * attempt's own timeout (send to last byte for JSON, to the first content chunk for a stream),
 * never past the deadline. On expiry an attempt aborts with {@link AttemptTimeoutError}, and at
 * the deadline every live attempt aborts with {@link deadlineExceeded}; the classifier reports
 * both as `timeout`, and the engine answers 504 when the deadline fired.
 *
 * Hot path: one {@link RequestTimer} per request and no AbortController of its own. The deadline,
 * every attempt's timeout and a backoff pause share a single timer armed for whichever is due
 * first, and only while an attempt or a pause is running (with nothing in flight there is
 * nothing for the deadline to cut; the engine checks it before every backoff); the caller's signal gets one listener (this object, no closure); stopping aborts the
 * live attempts from a list instead of linking a signal per attempt.
 */

import type { CallerSignal } from '../contract.js';

/** The abort reason when the deadline passes; the classifier sees a `TimeoutError`. */
export function deadlineExceeded(): DOMException {
  return new DOMException('request deadline exceeded', 'TimeoutError');
}

/** The abort reason of an expired attempt; distinct from the deadline's so the engine can tell. */
export class AttemptTimeoutError extends DOMException {
  constructor(readonly timeoutMs: number) {
    super(`attempt timed out after ${Math.round(timeoutMs)} ms`, 'TimeoutError');
  }
}

/** An attempt in flight as the timer sees it: its controller and its timeout. */
export interface TimedAttempt {
  readonly controller: AbortController;
  readonly timeoutMs: number;
  /** On the timer's clock; set by {@link RequestTimer.start}, Infinity once it no longer applies. */
  dueAt: number;
}

export class RequestTimer {
  /** True once the deadline (not the caller) ended the request. */
  expired = false;
  /** True once the deadline passed or the caller left: start nothing new. */
  stopped = false;
  private reason: unknown;
  private readonly live: TimedAttempt[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = Infinity;
  private wake: ((completed: boolean) => void) | undefined;
  private wakeDue = Infinity;

  /**
   * @param caller aborts when the caller gives up (the client left).
   * @param deadline on the `now()` clock; `Infinity` for none.
   */
  constructor(
    private readonly caller: CallerSignal,
    readonly deadline: number,
    private readonly now: () => number,
  ) {
    if (caller.aborted) {
      this.stop(caller.reason);
      return;
    }
    caller.addEventListener('abort', this, { once: true });
    // No timer yet: the deadline only has something to cut once an attempt or a pause starts,
    // and arming then (for the earlier of the two) spares a clear and a second setTimeout.
    if (deadline - now() <= 0) this.expire();
  }

  /** Times `attempt` from now, for `attempt.timeoutMs`; aborts it at once if the request stopped. */
  start(attempt: TimedAttempt): void {
    if (this.stopped) {
      attempt.dueAt = Infinity;
      attempt.controller.abort(this.reason);
      return;
    }
    attempt.dueAt = this.now() + attempt.timeoutMs;
    this.live.push(attempt);
    this.arm(attempt.dueAt);
  }

  /** The attempt settled: it is no longer timed (the timer is re-armed lazily, when it fires). */
  finish(attempt: TimedAttempt): void {
    attempt.dueAt = Infinity;
    const index = this.live.indexOf(attempt);
    if (index !== -1) this.live.splice(index, 1);
  }

  /** Waits `ms` (a backoff) unless the request stops first. @returns false when it stopped. */
  pause(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    this.wakeDue = this.now() + ms;
    this.arm(this.wakeDue);
    return new Promise<boolean>((resolve) => (this.wake = resolve));
  }

  /** The caller's abort, via the EventListener interface: no closure per request. */
  handleEvent(): void {
    this.stop(this.caller.reason);
  }

  /** Clears the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void {
    this.disarm();
    this.caller.removeEventListener('abort', this);
  }

  /** @internal fired by the timer: whatever is due now, due first the deadline. */
  fire(): void {
    const now = Math.max(this.now(), this.timerDue); // a timer may fire a fraction of a ms early
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.deadline <= now) return this.expire();
    for (let i = 0; i < this.live.length; i++) {
      const attempt = this.live[i]!;
      if (attempt.dueAt > now) continue;
      attempt.dueAt = Infinity; // aborted once; it leaves the list when it settles
      attempt.controller.abort(new AttemptTimeoutError(attempt.timeoutMs));
    }
    if (this.wakeDue <= now) this.resume(true);
    if (this.live.length > 0 || this.wake !== undefined) this.arm(this.nextDue());
  }

  private expire(): void {
    if (this.stopped) return;
    this.expired = true;
    this.stop(deadlineExceeded());
  }

  private stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reason = reason;
    this.disarm();
    for (const attempt of this.live) {
      attempt.dueAt = Infinity;
      attempt.controller.abort(reason);
    }
    this.resume(false);
  }

  private resume(completed: boolean): void {
    const wake = this.wake;
    this.wake = undefined;
    this.wakeDue = Infinity;
    wake?.(completed);
  }

  private nextDue(): number {
    let due = Math.min(this.deadline, this.wakeDue);
    for (const attempt of this.live) due = Math.min(due, attempt.dueAt);
    return due;
  }

  /** Makes sure the timer fires by `due` or the deadline, whichever is first. */
  private arm(until: number): void {
    const due = Math.min(until, this.deadline);
    if (this.stopped || !(due < this.timerDue) || !Number.isFinite(due)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(fireTimer, Math.max(0, due - this.now()), this);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }
}

function fireTimer(timer: RequestTimer): void {
  timer.fire();
}
