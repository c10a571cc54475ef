/**
 * Zod field types for human units in scenario files: durations (`250ms`, `8s`), rates (`50/s`)
 * and latency distributions (`300ms`, `{ p50: 300ms, p99: 1.5s }`, `{ mean: 12ms, sd: 3ms }`),
 * each converted once, at load time, to milliseconds or requests per second.
 */
import { z } from 'zod';
import { parseDurationMs, parseRatePerSecond } from '../../units.js';

/** Names of providers, variants and scenarios: letters, digits, `-` and `_`. */
export const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'use letters, digits, - and _ only');

/** A duration such as `250ms`, `8s`, `1.5m`; converted to milliseconds. */
export function duration() {
  return z.unknown().transform((value, ctx): number => {
    const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 250ms, 8s or 1m, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/** A rate such as `50/s`, `3000/m` or a bare number per second; `> 0` unless `allowZero`. */
export function rate(options: { allowZero?: boolean } = {}) {
  return z.unknown().transform((value, ctx): number => {
    const perSecond = typeof value === 'string' || typeof value === 'number' ? parseRatePerSecond(value) : undefined;
    const ok = perSecond !== undefined && (options.allowZero ? perSecond >= 0 : perSecond > 0);
    if (!ok) {
      const what = options.allowZero ? 'a rate >= 0' : 'a positive rate';
      ctx.addIssue({
        code: 'custom',
        message: `expected ${what} such as 50/s or 3000/m, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return perSecond;
  });
}

/** A latency distribution in the mock's terms (milliseconds): fixed, normal, or log-normal by quantiles. */
export type DistributionMs = number | { mean: number; sd: number } | { p50: number; p99: number };

/**
 * `300ms` (fixed), `{ mean: 300ms, sd: 50ms }` (normal, clamped at 0) or `{ p50: 300ms, p99: 1.5s }`
 * (log-normal through both quantiles): what the mock providers' latency model takes.
 */
export function distribution() {
  return z.union([
    duration(),
    z.strictObject({ mean: duration(), sd: duration() }),
    z
      .strictObject({ p50: duration(), p99: duration() })
      .refine((d) => d.p50 > 0 && d.p99 >= d.p50, { message: 'needs 0 < p50 <= p99' }),
  ]);
}

/** A whole number in `min..max` whose error quotes the value received (`keys`, `context_window`). */
export function wholeNumber(min: number, max: number, what: string) {
  // The error printer quotes the value of a type issue itself.
  const error = (issue: { code?: string; input?: unknown }): string =>
    `expected ${what}, a whole number from ${min} to ${max}` +
    (issue.code === 'invalid_type' ? '' : `, got ${JSON.stringify(issue.input)}`);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}
