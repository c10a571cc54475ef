/** The budget line of the reports: the budget, the spend, whether it stopped the load, what it could not price. */
import { describe, expect, it } from 'vitest';
import { budgetLine } from '../../src/report/budget-line.js';
import { headerHtml } from '../../src/report/html/header.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import type { BudgetResult } from '../../src/scenario/run/budget-guard.js';

const budget: BudgetResult = { usd: 5, spentUsd: 1.5, book: 'list-2026', reached: false, requests: 1234, unpriced: 0 };

describe('budgetLine', () => {
  it('is absent without a budget', () => {
    expect(budgetLine({})).toBeUndefined();
  });

  it.each<[string, Partial<BudgetResult>, string]>([
    ['not reached', {}, 'Budget: spent $1.50 of $5.00 (list-2026 prices, 1,234 requests metered); not reached.'],
    [
      'reached',
      { spentUsd: 5.0012, reached: true },
      'Budget: spent $5.0012 of $5.00 (list-2026 prices, 1,234 requests metered); reached: the load was stopped.',
    ],
    [
      'with unpriced successes and skipped variants',
      {
        reached: true,
        unpriced: 7,
        unpricedReasons: ['no usage reported', 'no price for x-1'],
        skippedVariants: ['b', 'c'],
      },
      'Budget: spent $1.50 of $5.00 (list-2026 prices, 1,234 requests metered); reached: the load was stopped; 7 successes could not be priced (no usage reported; no price for x-1) and are not counted; not run: b, c.',
    ],
  ])('%s', (_, fields, line) => {
    expect(budgetLine({ budget: { ...budget, ...fields } })).toBe(line);
  });

  it('shows in the HTML header: a warning when reached, a fact otherwise', () => {
    const result = {
      scenario: { name: 's', file: 's.yaml', description: '', seed: 1, target: { kind: 'builtin', chain: ['a'] } },
      machine: { platform: 'linux x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 4, node: 'v20' },
      faultPlane: { url: '', embedded: true },
      aggregates: { accountingHolds: true },
      cleanupErrors: [],
      interrupted: false,
      passed: false,
      startedAt: '',
      finishedAt: '',
      gates: [],
    } as unknown as RunResult;
    const reached = headerHtml({ ...result, budget: { ...budget, reached: true } });
    expect(reached).toContain('<p class="warning">Budget: spent $1.50 of $5.00');
    const within = headerHtml({ ...result, budget });
    expect(within).toContain('<dt>Budget</dt><dd>spent $1.50 of $5.00');
    expect(headerHtml(result)).not.toContain('Budget');
  });
});
