/** The spend guard of one configuration: the stop line once, the result, warnings, and a run's one budget across variants. */
import { describe, expect, it } from 'vitest';
import type { PriceBook } from '../../../src/metrics/cost.js';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { budgetGuardFor, carriedFrom } from '../../../src/scenario/run/budget-guard.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const book: PriceBook = { name: 'test-book', kind: 'direct', models: { priced: { input: 0, output: 1000 } } };
const scenario = parseScenario(
  `providers: [{ name: a, model: priced }, { name: b, model: unlisted }]
load: { rate: 10/s, duration: 5s }
budget: { usd: 0.002 }
`,
  's.yaml',
);
/** A success served by `provider` with one completion token: $0.001 when its model is priced. */
const ok = (provider: string, seq = 0): RequestRecord => ({
  seq,
  intendedMs: 0,
  sentMs: 0,
  endMs: 1,
  outcome: 'ok',
  provider,
  usage: { prompt: 9, completion: 1 },
});

describe('BudgetGuard', () => {
  it('gives the stop line once, on the record that reaches the budget, and says when it cannot price one', () => {
    const warnings: string[] = [];
    const guard = budgetGuardFor(scenario, book, undefined, (w) => warnings.push(w))!;
    expect(guard.observe(ok('a', 0))).toBeUndefined();
    expect(guard.observe(ok('b', 1))).toBeUndefined(); // unpriced: not counted
    expect(guard.observe(ok('a', 2))).toBe('budget: spent $0.002 of $0.002 after 3 requests: load stopped');
    expect(guard.observe(ok('a', 3))).toBeUndefined();
    guard.observe(ok('b', 4));
    guard.observe({ ...ok('a', 5), usage: undefined });
    // Once per reason, not per record.
    expect(warnings).toEqual([
      'budget: a success could not be priced (no price for unlisted): not counted toward the budget (result.json counts these under budget.unpriced)',
      'budget: a success could not be priced (no usage reported): not counted toward the budget (result.json counts these under budget.unpriced)',
    ]);
    expect(guard.result()).toEqual({
      usd: 0.002,
      spentUsd: 0.003,
      book: 'test-book',
      reached: true,
      requests: 6,
      unpriced: 3,
      unpricedReasons: ['no price for unlisted', 'no usage reported'],
    });
  });

  it('warns before the run about providers whose model the book cannot price, and about a warmup', () => {
    expect(budgetGuardFor(scenario, book)!.warnings(scenario)).toEqual([
      "budget: book 'test-book' has no price for unlisted: their requests are counted as unpriced, not toward the budget",
    ]);
    const onlyA = { ...scenario, target: { ...scenario.target, chain: ['a'] } };
    expect(budgetGuardFor(scenario, book)!.warnings(onlyA)).toEqual([]);
    const warm = { ...onlyA, load: { ...onlyA.load, warmup: 2000 } };
    expect(budgetGuardFor(scenario, book)!.warnings(warm)).toEqual([
      'budget: the 2s warmup is not metered: its requests are paid outside the budget',
    ]);
  });

  it('continues from what an earlier configuration spent (one budget for the run)', () => {
    const first = budgetGuardFor(scenario, book)!;
    first.observe(ok('a'));
    first.observe(ok('b'));
    const second = budgetGuardFor(scenario, book, carriedFrom(first.result()))!;
    expect(second.observe(ok('a'))).toBe('budget: spent $0.002 of $0.002 after 3 requests: load stopped');
    expect(second.result()).toMatchObject({ requests: 3, unpriced: 1, unpricedReasons: ['no price for unlisted'] });
  });

  it('is absent without a budget, and refuses to run a budget without a book', () => {
    expect(budgetGuardFor({ ...scenario, budget: undefined }, book)).toBeUndefined();
    expect(() => budgetGuardFor(scenario, undefined)).toThrow(/budget: no price book/);
  });
});
