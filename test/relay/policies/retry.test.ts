import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classify } from '../../../src/relay/classify.js';
import type { Attempt, AttemptContext, AttemptOutcome } from '../../../src/relay/policies/policy.js';
import { RetryBudget } from '../../../src/relay/policies/retry-budget.js';
import {
  backoffMs,
  retryDefaults,
  retryPolicy,
  sleep,
  validateRetryOptions,
} from '../../../src/relay/policies/retry.js';
import { prepareTargets } from '../../../src/relay/target.js';

const [target] = prepareTargets([{ name: 't', baseUrl: 'http://x/v1' }], {});
const status = (code: number): AttemptOutcome => ({ verdict: classify({ status: code }), status: code });
const context = (deadline = Infinity): AttemptContext => ({
  target: target!,
  signal: new AbortController().signal,
  deadline,
});

describe('backoffMs', () => {
  it('is full jitter under an exponential, capped ceiling', () => {
    const options = { maxAttempts: 5, baseMs: 100, maxBackoffMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, options, () => 0.999_999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
    expect(backoffMs(3, options, () => 0)).toBe(0);
    expect(backoffMs(2, options, () => 0.5)).toBe(100);
  });
});

describe('sleep', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits, or stops early on abort and clears its timer', async () => {
    const controller = new AbortController();
    const done = sleep(1_000, controller.signal);
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    expect(await done).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const full = sleep(1_000, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await full).toBe(true);
  });
});

describe('retryPolicy (same target)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const scripted = (outcomes: AttemptOutcome[]): { attempt: Attempt; calls: () => number } => {
    let calls = 0;
    return { attempt: async () => outcomes[Math.min(calls++, outcomes.length - 1)]!, calls: () => calls };
  };
  const deps = { random: () => 0.5, now: () => Date.now() };

  it('retries retryable verdicts with backoff, up to maxAttempts', async () => {
    const { attempt, calls } = scripted([status(503), status(503), status(200)]);
    const pending = retryPolicy({ maxAttempts: 3, baseMs: 100, maxBackoffMs: 1_000 }, deps).execute(attempt, context());
    await vi.advanceTimersByTimeAsync(49);
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // 0.5 x 100
    expect(calls()).toBe(2);
    await vi.advanceTimersByTimeAsync(100); // 0.5 x 200
    expect((await pending).status).toBe(200);
    expect(calls()).toBe(3);
  });

  it('does not retry a non-retryable verdict', async () => {
    const { attempt, calls } = scripted([status(400), status(200)]);
    expect((await retryPolicy({ ...retryDefaults, maxAttempts: 5 }, deps).execute(attempt, context())).status).toBe(
      400,
    );
    expect(calls()).toBe(1);
  });

  it('does not retry when the backoff would end past the deadline', async () => {
    const { attempt, calls } = scripted([status(503), status(200)]);
    const outcome = await retryPolicy({ maxAttempts: 3, baseMs: 1_000, maxBackoffMs: 1_000 }, deps).execute(
      attempt,
      context(Date.now() + 400),
    );
    expect(outcome.status).toBe(503);
    expect(calls()).toBe(1);
  });

  it('does not retry when the budget is spent', async () => {
    const { attempt, calls } = scripted([status(503)]);
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0, windowMs: 1_000 }, Date.now);
    const outcome = await retryPolicy({ maxAttempts: 5, baseMs: 0, maxBackoffMs: 0 }, { ...deps, budget }).execute(
      attempt,
      context(),
    );
    expect(outcome.status).toBe(503);
    expect(calls()).toBe(1);
  });

  it('rejects invalid options', () => {
    expect(() => validateRetryOptions({ ...retryDefaults, maxAttempts: 0 })).toThrow(
      /retry\.maxAttempts: expected an integer >= 1, got 0/,
    );
    expect(() => validateRetryOptions({ ...retryDefaults, baseMs: -1 })).toThrow(/retry\.baseMs/);
  });
});

describe('RetryBudget', () => {
  it('allows ratio x requests + the reserve per window, then refuses', () => {
    let now = 0;
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 100; i++) budget.deposit();
    let granted = 0;
    while (budget.tryWithdraw()) granted++;
    expect(granted).toBe(30); // 0.2 x 100 + 1/s x 10 s
    now += 5_000;
    expect(budget.tryWithdraw()).toBe(false);
    now += 6_000; // the deposits and withdrawals have expired: only the reserve again
    granted = 0;
    while (budget.tryWithdraw()) granted++;
    expect(granted).toBe(10);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => new RetryBudget({ ratio: -1, minPerSecond: 0, windowMs: 1 }, Date.now)).toThrow(
      /budget\.ratio: expected a number >= 0, got -1/,
    );
    expect(() => new RetryBudget({ ratio: 0, minPerSecond: 0, windowMs: 0 }, Date.now)).toThrow(/budget\.windowMs/);
  });
});
