/**
 * Gates: a tiny threshold language in the spirit of k6's.
 *
 *   gates:
 *     latency:       ['p(99) < 1500ms', 'avg < 300ms']
 *     success_rate:  ['rate >= 99%']
 *     failover_time: ['max < 2s']      (also disruption, recovery_time: per fault window)
 *     slice_availability: ['rate >= 99%']
 *     failed:        ['count == 0']
 *
 * Grammar of one expression (whitespace between tokens is optional):
 *
 *   expression  := aggregation operator value
 *   aggregation := 'p(' number ')' | 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count'
 *   operator    := '<=' | '>=' | '==' | '!=' | '<' | '>'
 *   value       := number unit?        unit := 'ms' | 's' | 'm' | '%'
 *
 * Durations are compared in milliseconds, `%` divides by 100 (rates are fractions). scan, parse,
 * validate and evaluate are separate steps; every error quotes the expression.
 */

/** Operators, longest first so `<=` is never read as `<`. */
const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type GateOperator = (typeof OPERATORS)[number];

const AGGREGATION = /^(p\(\s*(\d+(?:\.\d+)?)\s*\)|avg|min|med|max|rate|count)/;
const VALUE = /^(-?\d+(?:\.\d+)?)\s*(ms|s|m|%)?$/;
const UNIT_FACTOR: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1000, m: 60_000, '%': 0.01 });

export type Aggregation = { kind: 'percentile'; percentile: number } | { kind: 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count' };

/** Which aggregations each gateable metric supports, and whether values carry a duration. */
export const GATE_METRICS = Object.freeze({
  latency: { aggregations: ['percentile', 'avg', 'min', 'med', 'max'], duration: true },
  success_rate: { aggregations: ['rate'], duration: false },
  failover_time: { aggregations: ['max', 'min', 'avg'], duration: true },
  disruption: { aggregations: ['max', 'min', 'avg'], duration: true },
  recovery_time: { aggregations: ['max', 'min', 'avg'], duration: true },
  slice_availability: { aggregations: ['rate'], duration: false },
  failed: { aggregations: ['count', 'rate'], duration: false },
  dropped: { aggregations: ['count', 'rate'], duration: false },
} as const);
export type GateMetric = keyof typeof GATE_METRICS;

export interface Gate {
  metric: GateMetric;
  source: string;
  aggregation: Aggregation;
  operator: GateOperator;
  threshold: number;
}

export class GateSyntaxError extends Error {}

interface Tokens {
  aggregation: string;
  operator: GateOperator;
  value: string;
}

/** Splits an expression into its three parts. */
export function scanGate(source: string): Tokens {
  const text = source.trim();
  const aggregation = AGGREGATION.exec(text)?.[0];
  if (!aggregation) {
    throw new GateSyntaxError(`'${source}': expected an aggregation (p(N), avg, min, med, max, rate, count) at the start`);
  }
  const rest = text.slice(aggregation.length).trimStart();
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (!operator) throw new GateSyntaxError(`'${source}': expected an operator (${OPERATORS.join(' ')}) after '${aggregation}'`);
  const value = rest.slice(operator.length).trim();
  if (value === '') throw new GateSyntaxError(`'${source}': expected a value after '${operator}'`);
  return { aggregation, operator, value };
}

/** Turns tokens into a gate for a metric (no metric-specific checks yet). */
export function parseGate(metric: GateMetric, source: string): Gate {
  const tokens = scanGate(source);
  const percentile = /^p\(\s*(\d+(?:\.\d+)?)\s*\)$/.exec(tokens.aggregation);
  const aggregation: Aggregation = percentile
    ? { kind: 'percentile', percentile: Number(percentile[1]) }
    : { kind: tokens.aggregation as Exclude<Aggregation['kind'], 'percentile'> };
  const value = VALUE.exec(tokens.value);
  if (!value) throw new GateSyntaxError(`'${source}': '${tokens.value}' is not a number with an optional unit (ms, s, m, %)`);
  const unit = value[2];
  const threshold = Number(value[1]) * (unit ? UNIT_FACTOR[unit]! : 1);
  const gate: Gate = { metric, source, aggregation, operator: tokens.operator, threshold };
  validateGate(gate, unit);
  return gate;
}

/** Checks that the aggregation and unit make sense for the metric. */
export function validateGate(gate: Gate, unit: string | undefined): void {
  const spec = GATE_METRICS[gate.metric];
  const allowed: readonly string[] = spec.aggregations;
  if (!allowed.includes(gate.aggregation.kind)) {
    const names = allowed.map((a) => (a === 'percentile' ? 'p(N)' : a)).join(', ');
    throw new GateSyntaxError(`'${gate.source}': ${gate.metric} supports ${names}`);
  }
  if (gate.aggregation.kind === 'percentile' && !(gate.aggregation.percentile >= 0 && gate.aggregation.percentile <= 100)) {
    throw new GateSyntaxError(`'${gate.source}': percentile must be between 0 and 100`);
  }
  const isDurationUnit = unit === 'ms' || unit === 's' || unit === 'm';
  if (spec.duration && !isDurationUnit) throw new GateSyntaxError(`'${gate.source}': ${gate.metric} needs a duration unit (ms, s, m)`);
  if (!spec.duration && isDurationUnit) throw new GateSyntaxError(`'${gate.source}': ${gate.metric} is not a duration; use a number or %`);
}

/** Supplies the measured value for a metric's aggregation (milliseconds for durations). */
export type GateValueSource = (metric: GateMetric, aggregation: Aggregation) => number | undefined;

export interface GateResult {
  gate: Gate;
  actual: number | undefined;
  passed: boolean;
  /** Why a gate without data failed, e.g. no fault window to measure failover in. */
  note?: string;
}

export function evaluateGate(gate: Gate, valueOf: GateValueSource): GateResult {
  const actual = valueOf(gate.metric, gate.aggregation);
  if (actual === undefined || Number.isNaN(actual)) {
    return { gate, actual: undefined, passed: false, note: 'no data for this metric in the run' };
  }
  return { gate, actual, passed: compare(actual, gate.operator, gate.threshold) };
}

function compare(actual: number, operator: GateOperator, threshold: number): boolean {
  switch (operator) {
    case '<': return actual < threshold;
    case '<=': return actual <= threshold;
    case '>': return actual > threshold;
    case '>=': return actual >= threshold;
    case '==': return actual === threshold;
    case '!=': return actual !== threshold;
    default: {
      const unreachable: never = operator;
      return unreachable;
    }
  }
}

/**
 * Parses a scenario's `gates:` table (metric -> expressions). Problems go to `report` with their
 * path inside the table, so the loader can point at the file line; the rest still parse.
 */
export function parseGateTable(byMetric: Readonly<Record<string, readonly string[]>>, report: (path: Array<string | number>, message: string) => void): Gate[] {
  const parsed: Gate[] = [];
  for (const [metric, expressions] of Object.entries(byMetric)) {
    if (!(metric in GATE_METRICS)) {
      report([metric], `unknown metric '${metric}'; known: ${Object.keys(GATE_METRICS).join(', ')}`);
      continue;
    }
    expressions.forEach((expression, index) => {
      try {
        parsed.push(parseGate(metric as GateMetric, expression));
      } catch (error) {
        if (!(error instanceof GateSyntaxError)) throw error;
        report([metric, index], error.message);
      }
    });
  }
  return parsed;
}
