import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import type { Attempt, AttemptContext, AttemptOutcome, RelayResponse } from '../../../src/relay/contract.js';
import { AttemptTimeoutError, runWithTimeout } from '../../../src/relay/policies/attempt-timeout.js';
import { prepareTargets } from '../../../src/relay/target.js';

const [target] = prepareTargets([{ name: 't', baseUrl: 'http://x/v1' }], {});

/** An attempt that waits for its signal, like an upstream call that never answers. */
const hanging: Attempt = ({ signal }) =>
  new Promise<AttemptOutcome>((resolve) => {
    const settle = (): void => resolve({ verdict: classify({ error: signal.reason }), error: signal.reason });
    if (signal.aborted)
      settle(); // as undici does: an aborted signal fails the call up front
    else signal.addEventListener('abort', settle);
  });

const context = (signal = new AbortController().signal, deadline = Infinity): AttemptContext => ({
  target: target!,
  signal,
  deadline,
});
const clock = (): number => Date.now();

describe('runWithTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts the attempt with a TimeoutError after the budget', async () => {
    const pending = runWithTimeout(hanging, context(), 1_000, clock);
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await pending;
    expect(outcome.verdict.kind).toBe('timeout');
    expect((outcome.error as DOMException).name).toBe('TimeoutError');
  });

  it('clears its timer and listener when the attempt finishes first', async () => {
    const parent = new AbortController();
    const spy = vi.spyOn(parent.signal, 'removeEventListener');
    const ok: Attempt = async () => ({ verdict: classify({ status: 200 }), status: 200 });
    await runWithTimeout(ok, context(parent.signal), 1_000, clock);
    expect(vi.getTimerCount()).toBe(0);
    expect(spy).toHaveBeenCalledWith('abort', expect.anything());
  });

  it('never runs past the request deadline', async () => {
    const pending = runWithTimeout(hanging, context(undefined, Date.now() + 300), 10_000, clock);
    await vi.advanceTimersByTimeAsync(299);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).verdict.kind).toBe('timeout');
  });

  it('aborts at once when the deadline has already passed', async () => {
    const outcome = await runWithTimeout(hanging, context(undefined, Date.now() - 1), 10_000, clock);
    expect(outcome.verdict.kind).toBe('timeout');
  });

  it("leaves the deadline to the caller's signal when told not to clamp to it", async () => {
    const deadline = new AbortController(); // the engine's RequestDeadline: aborts at the deadline
    const pending = runWithTimeout(hanging, context(deadline.signal, Date.now() + 300), 1_000, clock, undefined, false);
    await vi.advanceTimersByTimeAsync(300);
    expect(vi.getTimerCount()).toBe(1); // no timer of its own at the deadline: nothing to race
    deadline.abort(new DOMException('request deadline exceeded', 'TimeoutError'));
    const outcome = await pending;
    expect(outcome.error).not.toBeInstanceOf(AttemptTimeoutError);
    expect((outcome.error as DOMException).message).toBe('request deadline exceeded');
    expect(vi.getTimerCount()).toBe(0);

    const own = runWithTimeout(
      hanging,
      context(new AbortController().signal, Date.now() + 300),
      1_000,
      clock,
      undefined,
      false,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await own).error).toBeInstanceOf(AttemptTimeoutError);
  });

  it("keeps a served stream linked to the caller's signal, and clears its timer", async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const stream: RelayResponse = {
      kind: 'stream',
      model: 'm',
      events: (async function* () {})(),
      usage: () => undefined,
      firstByteMs: 1,
      cancel: () => {},
    };
    const streaming: Attempt = async ({ signal }) => {
      seen = signal;
      return { verdict: classify({ status: 200 }), response: stream };
    };
    await runWithTimeout(streaming, context(parent.signal), 1_000, clock);
    expect(vi.getTimerCount()).toBe(0);
    parent.abort(new DOMException('client left', 'AbortError'));
    expect(seen?.aborted).toBe(true);
  });

  it("follows the caller's signal with the caller's reason", async () => {
    const parent = new AbortController();
    const pending = runWithTimeout(hanging, context(parent.signal), 10_000, clock);
    parent.abort(new DOMException('client left', 'AbortError'));
    const outcome = await pending;
    expect(outcome.verdict).toEqual({ kind: 'aborted', retryable: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts aborted when the caller already is', async () => {
    const parent = new AbortController();
    parent.abort(new DOMException('gone', 'AbortError'));
    const outcome = await runWithTimeout(hanging, context(parent.signal), 10_000, clock);
    expect(outcome.verdict.kind).toBe('aborted');
  });
});
