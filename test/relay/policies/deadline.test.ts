import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestDeadline } from '../../../src/relay/policies/deadline.js';

describe('RequestDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const now = (): number => Date.now();

  it('fires at the deadline with a TimeoutError and says it expired', async () => {
    const deadline = new RequestDeadline(new AbortController().signal, Date.now() + 1_000, now);
    await vi.advanceTimersByTimeAsync(999);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.remainingMs()).toBe(1);
    expect(deadline.attemptBudgetMs(5_000)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
    expect(deadline.expired).toBe(true);
  });

  it("follows the caller's signal without calling it a deadline", () => {
    const caller = new AbortController();
    const deadline = new RequestDeadline(caller.signal, Date.now() + 1_000, now);
    caller.abort(new DOMException('client left', 'AbortError'));
    expect(deadline.signal.reason).toBe(caller.signal.reason);
    expect(deadline.expired).toBe(false);
    deadline.dispose();
  });

  it('is expired up front when the deadline has passed, and has no timer without one', () => {
    expect(new RequestDeadline(new AbortController().signal, Date.now(), now).expired).toBe(true);
    const none = new RequestDeadline(new AbortController().signal, Infinity, now);
    expect(vi.getTimerCount()).toBe(0);
    expect(none.attemptBudgetMs(5_000)).toBe(5_000);
  });

  it('dispose clears its timer and its listener on the caller', () => {
    const caller = new AbortController();
    const spy = vi.spyOn(caller.signal, 'removeEventListener');
    const deadline = new RequestDeadline(caller.signal, Date.now() + 1_000, now);
    expect(vi.getTimerCount()).toBe(1);
    deadline.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(spy).toHaveBeenCalledWith('abort', deadline);
  });
});
