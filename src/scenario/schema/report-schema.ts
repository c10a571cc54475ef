/**
 * A scenario's `report:`: what its cost and downtime figures are projected at.
 *
 * ```yaml
 * report:
 *   price_books: [list-2026, relay-2026, ./my-prices.yaml]  # names in fixtures/prices/, or paths relative to this file
 *   monthly_tokens: 500M          # projected monthly cost at this volume (default 500M tokens)
 *   monthly_requests: 10M         # or at this many requests a month (instead of tokens)
 *   downtime_cost_per_hour: 10000 # USD an hour of downtime costs you: the downtime-cost line
 * ```
 */
import { z } from 'zod';
import { parseCount } from '../../units.js';

/** The monthly volume vendor tables quote ("Monthly Cost (500M tokens)"). */
export const DEFAULT_MONTHLY_TOKENS = 500_000_000;

function count() {
  return z.unknown().transform((value, ctx): number => {
    const n = typeof value === 'string' || typeof value === 'number' ? parseCount(value) : undefined;
    if (n === undefined || n <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a positive count such as 500M, 10k or 250000, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return n;
  });
}

export const reportSchema = z
  .strictObject({
    /** Price books the run's traffic is priced in, side by side; the first one is what `cost_per_1k` gates read. */
    price_books: z.array(z.string().min(1)).min(1).optional(),
    monthly_tokens: count().optional(),
    monthly_requests: count().optional(),
    downtime_cost_per_hour: z.number().nonnegative().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.monthly_tokens !== undefined && r.monthly_requests !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['monthly_requests'],
        message: "give 'monthly_tokens' or 'monthly_requests', not both",
      });
    }
  });

export type ReportSpec = z.output<typeof reportSchema>;
