import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../../../src/relay/policies/retry-budget.js';
import { backoffMs, retryDefaults, validateRetryOptions } from '../../../src/relay/policies/retry.js';

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

describe('validateRetryOptions', () => {
  it('rejects invalid options', () => {
    expect(() => validateRetryOptions({ ...retryDefaults, maxAttempts: 0 })).toThrow(
      /retry\.maxAttempts: expected an integer >= 1, got 0/,
    );
    expect(() => validateRetryOptions({ ...retryDefaults, baseMs: -1 })).toThrow(/retry\.baseMs/);
    expect(() => validateRetryOptions({ ...retryDefaults, sameTarget: 1.5 })).toThrow(
      /retry\.sameTarget: expected an integer >= 0, got 1\.5/,
    );
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
