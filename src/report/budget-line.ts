/**
 * The budget line of a report: the spend guard's budget, what the run spent (metered live, in the
 * run's first price book), whether it stopped the load, and what it could not price. Pure.
 */
import { dollars } from '../metrics/spend.js';
import type { RunResult } from '../scenario/result/result.js';

/** One sentence, or undefined when the scenario sets no budget. */
export function budgetLine(result: Pick<RunResult, 'budget'>): string | undefined {
  const b = result.budget;
  if (!b) return undefined;
  const parts = [
    `Budget: spent ${dollars(b.spentUsd)} of ${dollars(b.usd)} (${b.book} prices, ${b.requests.toLocaleString('en-US')} requests metered)`,
    b.reached ? 'reached: the load was stopped' : 'not reached',
  ];
  if (b.unpriced > 0)
    parts.push(
      `${b.unpriced} successes could not be priced (${(b.unpricedReasons ?? []).join('; ')}) and are not counted`,
    );
  if (b.skippedVariants?.length) parts.push(`not run: ${b.skippedVariants.join(', ')}`);
  return `${parts.join('; ')}.`;
}
