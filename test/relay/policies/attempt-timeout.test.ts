import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import { attemptTimeout } from '../../../src/relay/policies/attempt-timeout.js';
import { wrap, type Attempt, type AttemptContext, type AttemptOutcome, type Policy } from '../../../src/relay/policies/policy.js';
import type { RelayTarget } from '../../../src/relay/target.js';

const target: RelayTarget = { name: 't', model: undefined, origin: 'http://x', completionsPath: '/v1/chat/completions', headers: {} };

/** An attempt that waits for its signal, like an upstream call that never answers. */
const hanging: Attempt = ({ signal }) =>
  new Promise<AttemptOutcome>((resolve) => {
    const settle = (): void => resolve({ verdict: classify({ error: signal.reason }), error: signal.reason });
    if (signal.aborted) settle(); // as undici does: an aborted signal fails the call up front
    else signal.addEventListener('abort', settle);
  });

const context = (signal = new AbortController().signal): AttemptContext => ({ target, signal });

describe('attemptTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts the attempt with a TimeoutError after the budget', async () => {
    const pending = attemptTimeout(1_000).execute(hanging, context());
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
    const ok: Attempt = async () => ({ verdict: classify({ status: 200 }), error: undefined });
    await attemptTimeout(1_000).execute(ok, context(parent.signal));
    expect(vi.getTimerCount()).toBe(0);
    expect(spy).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it("follows the caller's signal with the caller's reason", async () => {
    const parent = new AbortController();
    const pending = attemptTimeout(10_000).execute(hanging, context(parent.signal));
    parent.abort(new DOMException('client left', 'AbortError'));
    const outcome = await pending;
    expect(outcome.verdict).toEqual({ kind: 'aborted', retryable: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts aborted when the caller already is', async () => {
    const parent = new AbortController();
    parent.abort(new DOMException('gone', 'AbortError'));
    const outcome = await attemptTimeout(10_000).execute(hanging, context(parent.signal));
    expect(outcome.verdict.kind).toBe('aborted');
  });
});

describe('wrap', () => {
  it('composes policies outermost first and passes context through', async () => {
    const order: string[] = [];
    const tracing = (name: string): Policy => ({
      async execute(attempt, ctx) {
        order.push(`${name}>`);
        const outcome = await attempt(ctx);
        order.push(`<${name}`);
        return outcome;
      },
    });
    const attempt: Attempt = async (ctx) => {
      order.push(`attempt(${ctx.target.name})`);
      return { verdict: classify({ status: 200 }), error: undefined };
    };
    await wrap(tracing('outer'), tracing('inner')).execute(attempt, context());
    expect(order).toEqual(['outer>', 'inner>', 'attempt(t)', '<inner', '<outer']);
  });
});
