/**
 * Regression against a baseline result, shared by `run --baseline` (as gates) and `compare`
 * (as flags): p99 latency not worse than the baseline's by more than `tolerance` (default 10%),
 * success rate not lower than the baseline's minus 0.1 percentage point.
 */
import { ConfigInvalidError } from '../../errors.js';
import type { Aggregates } from '../../metrics/aggregate.js';
import { canonicalKey, type Gate } from './grammar.js';
import { formatMs, percent } from '../../units.js';

export const REGRESSION_DEFAULTS = Object.freeze({ latencyTolerance: 0.1, successRateDropPp: 0.1 });

/** Parses `10%` or `10` (percent) into a fraction. @throws ConfigInvalidError naming the flag. */
export function parseTolerance(text: string | number, flag = '--baseline-tolerance'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(text));
  if (!match) throw new ConfigInvalidError(`${flag}: expected a percentage such as 10%, got ${JSON.stringify(text)}`);
  return Number(match[1]) / 100;
}

/** The p99 ceiling (ms) and success-rate floor (fraction) a run must meet against `baseline`. */
export function regressionLimits(baseline: Aggregates, tolerance: number): { p99Ms?: number; successRate?: number } {
  const limits: { p99Ms?: number; successRate?: number } = {};
  if (baseline.latency.count > 0) limits.p99Ms = (baseline.latency.p99Us / 1000) * (1 + tolerance);
  if (baseline.scheduled > 0) limits.successRate = baseline.successRate - REGRESSION_DEFAULTS.successRateDropPp / 100;
  return limits;
}

/** Regression gates against a baseline's aggregates, evaluated like any scenario gate. */
export function baselineGates(baseline: Aggregates, tolerance: number): Gate[] {
  const limits = regressionLimits(baseline, tolerance);
  const gates: Gate[] = [];
  const pct = `${+(tolerance * 100).toFixed(2)}%`;
  if (limits.p99Ms !== undefined) {
    gates.push({
      metric: 'latency',
      key: canonicalKey('latency', {}),
      scope: {},
      source: `p(99) <= ${round(limits.p99Ms)}ms (baseline ${formatMs(baseline.latency.p99Us / 1000)} +${pct})`,
      aggregation: { kind: 'percentile', percentile: 99 },
      operator: '<=',
      threshold: limits.p99Ms,
      origin: 'baseline',
    });
  }
  if (limits.successRate !== undefined) {
    gates.push({
      metric: 'success_rate',
      key: canonicalKey('success_rate', {}),
      scope: {},
      source: `rate >= ${percent(limits.successRate)} (baseline ${percent(baseline.successRate)} -${REGRESSION_DEFAULTS.successRateDropPp}pp)`,
      aggregation: { kind: 'rate' },
      operator: '>=',
      // A hair of slack so a float rounding of identical rates never reads as a regression.
      threshold: limits.successRate - 1e-12,
      origin: 'baseline',
    });
  }
  return gates;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
