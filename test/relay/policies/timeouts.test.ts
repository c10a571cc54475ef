import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import { AttemptTimeoutError, RequestTimer, type TimedAttempt } from '../../../src/relay/policies/timeouts.js';

const now = (): number => Date.now();
const attempt = (timeoutMs: number): TimedAttempt => ({ controller: new AbortController(), timeoutMs, dueAt: 0 });

describe('RequestTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires at the deadline: every live attempt aborts with a TimeoutError and it says it expired', async () => {
    const timer = new RequestTimer(new AbortController().signal, Date.now() + 1_000, now);
    const a = attempt(5_000);
    timer.start(a);
    await vi.advanceTimersByTimeAsync(999);
    expect(a.controller.signal.aborted).toBe(false);
    expect(timer.stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(timer.expired).toBe(true);
    expect(timer.stopped).toBe(true);
    expect(a.controller.signal.reason).not.toBeInstanceOf(AttemptTimeoutError);
    expect((a.controller.signal.reason as DOMException).name).toBe('TimeoutError');
    expect((a.controller.signal.reason as DOMException).message).toBe('request deadline exceeded');
    expect(classify({ error: a.controller.signal.reason }).kind).toBe('timeout');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts an attempt with an AttemptTimeoutError after its own timeout, and only that attempt', async () => {
    const timer = new RequestTimer(new AbortController().signal, Infinity, now);
    const slow = attempt(1_000);
    timer.start(slow);
    await vi.advanceTimersByTimeAsync(500);
    const later = attempt(1_000);
    timer.start(later);
    await vi.advanceTimersByTimeAsync(499);
    expect(slow.controller.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(slow.controller.signal.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(classify({ error: slow.controller.signal.reason }).kind).toBe('timeout');
    expect(later.controller.signal.aborted).toBe(false);
    expect(timer.stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(later.controller.signal.reason).toBeInstanceOf(AttemptTimeoutError);
    expect(timer.expired).toBe(false);
  });

  it('uses one timer for the deadline and every attempt, and stops timing an attempt once it finished', async () => {
    const timer = new RequestTimer(new AbortController().signal, Date.now() + 10_000, now);
    const a = attempt(1_000);
    const b = attempt(2_000);
    timer.start(a);
    timer.start(b);
    expect(vi.getTimerCount()).toBe(1);
    timer.finish(a);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.controller.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(1); // re-armed for b
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.controller.signal.reason).toBeInstanceOf(AttemptTimeoutError);
    timer.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets the deadline win when an attempt times out at the same instant (a 504, never a 503)', async () => {
    const timer = new RequestTimer(new AbortController().signal, Date.now() + 300, now);
    const a = attempt(300);
    timer.start(a);
    await vi.advanceTimersByTimeAsync(300);
    expect(timer.expired).toBe(true);
    expect(a.controller.signal.reason).not.toBeInstanceOf(AttemptTimeoutError);
  });

  it("follows the caller's signal with the caller's reason, without calling it a deadline", () => {
    const caller = new AbortController();
    const timer = new RequestTimer(caller.signal, Date.now() + 1_000, now);
    const a = attempt(5_000);
    timer.start(a);
    const reason = new DOMException('client left', 'AbortError');
    caller.abort(reason);
    expect(a.controller.signal.reason).toBe(reason);
    expect(classify({ error: a.controller.signal.reason })).toEqual({ kind: 'aborted', retryable: false });
    expect(timer.stopped).toBe(true);
    expect(timer.expired).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts attempts aborted once stopped: a caller already gone, or a deadline already passed', () => {
    const caller = new AbortController();
    caller.abort(new DOMException('gone', 'AbortError'));
    const gone = new RequestTimer(caller.signal, Infinity, now);
    const a = attempt(1_000);
    gone.start(a);
    expect(classify({ error: a.controller.signal.reason }).kind).toBe('aborted');
    const late = new RequestTimer(new AbortController().signal, Date.now(), now);
    expect(late.expired).toBe(true);
    const b = attempt(1_000);
    late.start(b);
    expect(classify({ error: b.controller.signal.reason }).kind).toBe('timeout');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('has no timer without a deadline or attempts', () => {
    const timer = new RequestTimer(new AbortController().signal, Infinity, now);
    expect(vi.getTimerCount()).toBe(0);
    timer.dispose();
  });

  it('pauses for a backoff, or stops early when the request stops, clearing its timer', async () => {
    const caller = new AbortController();
    const timer = new RequestTimer(caller.signal, Infinity, now);
    const full = timer.pause(1_000);
    await vi.advanceTimersByTimeAsync(999);
    let resolved: boolean | undefined;
    void full.then((value) => (resolved = value));
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(await full).toBe(true);
    const cut = timer.pause(1_000);
    await vi.advanceTimersByTimeAsync(500);
    caller.abort();
    expect(await cut).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(await timer.pause(1_000)).toBe(false);
  });

  it('arms its one timer only once something runs, and dispose clears it and its listener on the caller', () => {
    const caller = new AbortController();
    const spy = vi.spyOn(caller.signal, 'removeEventListener');
    const timer = new RequestTimer(caller.signal, Date.now() + 1_000, now);
    expect(vi.getTimerCount()).toBe(0);
    timer.start(attempt(5_000));
    expect(vi.getTimerCount()).toBe(1);
    timer.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(spy).toHaveBeenCalledWith('abort', timer);
  });
});
