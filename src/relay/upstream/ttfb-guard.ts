/**
 * Time-to-first-byte guard for a streamed upstream call: its signal follows the caller's and
 * also aborts with a `TimeoutError` (classified `timeout`) unless {@link TtfbGuard.disarm} is
 * called in time, i.e. unless the first content chunk arrived.
 */
export class TtfbGuard {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** Pass this to the request instead of the caller's signal. */
  readonly signal: AbortSignal = this.controller.signal;

  constructor(
    private readonly parent: AbortSignal,
    timeoutMs: number,
  ) {
    if (parent.aborted) this.controller.abort(parent.reason);
    else parent.addEventListener('abort', this.onParentAbort, { once: true });
    // One timer per streamed attempt, cleared on disarm/dispose; static callback, no closure.
    this.timer = setTimeout(expire, timeoutMs, this.controller, timeoutMs);
  }

  /** The first content chunk arrived: the stream may now run as long as it lasts. */
  disarm(): void {
    clearTimeout(this.timer);
  }

  /** The call is over: clears the timer and unlinks the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.parent.removeEventListener('abort', this.onParentAbort);
  }

  private readonly onParentAbort = (): void => this.controller.abort(this.parent.reason);
}

/** A guard for a call with this TTFB timeout, or none when the timeout is unset, zero or infinite. */
export function ttfbGuardFor(signal: AbortSignal, timeoutMs: number | undefined): TtfbGuard | undefined {
  return timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)
    ? new TtfbGuard(signal, timeoutMs)
    : undefined;
}

function expire(controller: AbortController, timeoutMs: number): void {
  controller.abort(new DOMException(`no first content chunk within ${timeoutMs} ms`, 'TimeoutError'));
}
