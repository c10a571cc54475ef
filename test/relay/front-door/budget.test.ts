import { describe, expect, it } from 'vitest';
import type { ClientKey } from '../../../src/relay/front-door/auth.js';
import { BUDGET_OK, BudgetLedger } from '../../../src/relay/front-door/budget.js';

const client = (over: Partial<ClientKey> = {}): ClientKey => ({
  id: 'team-a',
  budgetUsd: 10,
  requestsPerMinute: undefined,
  budgetPeriod: 'month',
  onBudgetExhausted: 'reject',
  downgradeTo: undefined,
  ...over,
});

function clock(iso: string): { now: () => number; set(iso: string): void } {
  let t = Date.parse(iso);
  return { now: () => t, set: (next) => void (t = Date.parse(next)) };
}

describe('BudgetLedger', () => {
  it('allows spend up to the budget, then rejects with the seconds to the next UTC month', () => {
    const time = clock('2025-03-31T23:59:00Z');
    const ledger = new BudgetLedger(time.now);
    const a = client();
    expect(ledger.check(a)).toBe(BUDGET_OK);
    ledger.charge(a, 9.99);
    expect(ledger.check(a)).toBe(BUDGET_OK);
    ledger.charge(a, 0.01);
    expect(ledger.spentUsd(a)).toBeCloseTo(10);
    expect(ledger.check(a)).toEqual({ kind: 'reject', retryAfterS: 60, spentUsd: ledger.spentUsd(a), budgetUsd: 10 });
  });

  it('resets at the start of the next period', () => {
    const time = clock('2025-03-31T23:59:59.500Z');
    const ledger = new BudgetLedger(time.now);
    const daily = client({ budgetPeriod: 'day', budgetUsd: 1 });
    ledger.charge(daily, 2);
    expect(ledger.check(daily)).toMatchObject({ kind: 'reject', retryAfterS: 1 });
    time.set('2025-04-01T00:00:00Z');
    expect(ledger.check(daily)).toBe(BUDGET_OK);
    expect(ledger.spentUsd(daily)).toBe(0);
  });

  it('never resets a total budget and gives no Retry-After for it', () => {
    const time = clock('2025-01-01T00:00:00Z');
    const ledger = new BudgetLedger(time.now);
    const total = client({ budgetPeriod: 'total', budgetUsd: 1 });
    ledger.charge(total, 1);
    time.set('2030-01-01T00:00:00Z');
    expect(ledger.check(total)).toMatchObject({ kind: 'reject', retryAfterS: undefined });
  });

  it('downgrades instead of rejecting when configured', () => {
    const ledger = new BudgetLedger(() => 0);
    const a = client({ onBudgetExhausted: 'downgrade', downgradeTo: 'cheap', budgetUsd: 1 });
    ledger.charge(a, 1.5);
    expect(ledger.check(a)).toEqual({ kind: 'downgrade', to: 'cheap' });
  });

  it('keeps keys apart, ignores unbudgeted keys and bogus charges', () => {
    const ledger = new BudgetLedger(() => 0);
    const a = client({ budgetUsd: 1 });
    const b = client({ id: 'team-b', budgetUsd: 1 });
    ledger.charge(a, 1);
    ledger.charge(a, Number.NaN);
    ledger.charge(a, -5);
    expect(ledger.spentUsd(a)).toBe(1);
    expect(ledger.check(a).kind).toBe('reject');
    expect(ledger.check(b)).toBe(BUDGET_OK);
    const unlimited = client({ id: 'free', budgetUsd: undefined });
    ledger.charge(unlimited, 1e9);
    expect(ledger.check(unlimited)).toBe(BUDGET_OK);
  });

  it('a zero budget rejects from the first request', () => {
    expect(new BudgetLedger(() => 0).check(client({ budgetUsd: 0 })).kind).toBe('reject');
  });
});
