/**
 * Regression against a baseline result, shared by `run --baseline` (as gates) and `compare`
 * (as flags): p99 latency not worse than the baseline's by more than `tolerance` (default 10%)
 * nor beyond what the baseline's own sample could give (its p99's 95% sampling interval), success
 * rate not lower than the baseline's minus 0.1 percentage point.
 */
import { ConfigInvalidError } from '../../errors.js';
import type { Aggregates } from '../../metrics/aggregate.js';
import { canonicalKey, type Gate } from './grammar.js';
import { formatMs, percent } from '../../units.js';
import { percentileInterval } from '../../metrics/percentile-interval.js';

export const REGRESSION_DEFAULTS = Object.freeze({ latencyTolerance: 0.1, successRateDropPp: 0.1 });

/** Parses `10%` or `10` (percent) into a fraction. @throws ConfigInvalidError naming the flag. */
export function parseTolerance(text: string | number, flag = '--baseline-tolerance'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(text));
  if (!match) throw new ConfigInvalidError(`${flag}: expected a percentage such as 10%, got ${JSON.stringify(text)}`);
  return Number(match[1]) / 100;
}

export interface RegressionLimits {
  /** The p99 ceiling, ms: the baseline's p99 + tolerance, or its sampling bound when that is higher. */
  p99Ms?: number;
  /** True when the baseline's own sampling noise, not the tolerance, set `p99Ms`. */
  p99FromNoise?: boolean;
  successRate?: number;
}

/**
 * The p99 ceiling (ms) and success-rate floor (fraction) a run must meet against `baseline`. The
 * ceiling is never below the upper end of the baseline p99's 95% sampling interval
 * (percentile-interval.ts): a p99 that sampling alone could give is no regression.
 */
export function regressionLimits(baseline: Aggregates, tolerance: number): RegressionLimits {
  const limits: RegressionLimits = {};
  if (baseline.latency.count > 0) {
    const byTolerance = (baseline.latency.p99Us / 1000) * (1 + tolerance);
    const noise = baseline.latencyHistogram ? percentileInterval(baseline.latencyHistogram, 99) : undefined;
    const byNoise = noise === undefined ? 0 : noise.highUs / 1000;
    limits.p99Ms = Math.max(byTolerance, byNoise);
    if (byNoise > byTolerance) limits.p99FromNoise = true;
  }
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
      source: `p(99) <= ${round(limits.p99Ms)}ms (baseline ${formatMs(baseline.latency.p99Us / 1000)} ${limits.p99FromNoise ? `and its sampling bound` : `+${pct}`})`,
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
