/**
 * A scenario's `budget:`: the spend guard for runs that call real, paid provider APIs.
 *
 * ```yaml
 * budget: { usd: 5 }   # stop sending once the run's metered cost reaches $5 (exit 99)
 * ```
 *
 * The budget bounds the whole run: a variants run shares one budget across its configurations.
 * How spend is metered and how the load stops: metrics/spend.ts, scenario/run/budget-guard.ts.
 */
import { z } from 'zod';

/** A positive, finite amount of US dollars. */
function dollars() {
  return z.unknown().transform((value, ctx): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a positive number of US dollars such as 5 or 0.25, got ${shown(value)}`,
      });
      return z.NEVER;
    }
    return value;
  });
}

/** The value as the file gave it: `NaN` and `Infinity` by name, strings quoted. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

export const budgetSchema = z.strictObject({
  /** Stop sending once the run's metered cost (in its first price book) reaches this many US dollars. */
  usd: dollars(),
});

export type BudgetSpec = z.output<typeof budgetSchema>;
