/**
 * Gates: a tiny threshold language in the spirit of k6's.
 *
 *   gates:
 *     latency:                   ['p(99) < 1500ms', 'avg < 300ms']
 *     'latency{phase:fault}':    ['p(99) < 3s']
 *     ttft:                      ['p(95) < 800ms']
 *     success_rate:              [{ threshold: 'rate >= 95%', abort_on_fail: true, delay_abort_eval: 5s }]
 *     'success_rate{provider:fallback}': ['rate >= 99%']
 *     'latency{variant:3-chain}': ['p(99) < 2s']
 *     failover_time:             ['max < 2s']      (also disruption, recovery_time: per fault window)
 *     slice_availability:        ['rate >= 99%']
 *     failed:                    ['count == 0']
 *     cost_per_1k:               ['value < 0.50']  (USD per 1,000 successful requests)
 *     itl:                       ['p(99) < 50ms']  (pooled gaps between content chunks of streams)
 *     tpot:                      ['p(50) < 20ms']  (time per output token after the first, per stream)
 *     goodput:                   ['rate >= 95%']   (share meeting every `slo:` objective; count; value = good req/s)
 *     convergence:               ['max <= 200ms']  (a fleet's breakers: last replica's open - first's, per fault window)
 *     dead_attempts:             ['max <= 20']     (a fleet's attempts on the faulted provider per window; count = sum)
 *     overspend:                 ['value <= 0']    (a fleet's USD beyond budgets, summed; max = worst client key)
 *
 * Grammar (whitespace between tokens is optional):
 *
 *   key         := metric scope?
 *   metric      := 'latency' | 'ttft' | 'success_rate' | 'slice_availability' | 'failover_time'
 *                | 'disruption' | 'recovery_time' | 'dropped' | 'failed' | 'cost_per_1k'
 *                | 'itl' | 'tpot' | 'goodput' | 'convergence' | 'dead_attempts' | 'overspend'
 *   scope       := '{' tag ':' name (',' tag ':' name)* '}'
 *   tag         := 'phase' | 'provider' | 'variant'   (phase: baseline | fault | recovery)
 *   entry       := expression | { threshold: expression, abort_on_fail?: bool, delay_abort_eval?: duration }
 *   expression  := aggregation operator value
 *   aggregation := 'p(' number ')' | 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count' | 'value'
 *   operator    := '<=' | '>=' | '==' | '!=' | '<' | '>'
 *   value       := number unit?        unit := 'ms' | 's' | 'm' | '%'
 *
 * Durations are compared in milliseconds, `%` divides by 100 (rates are fractions). Which metric
 * takes which aggregation and which scope tag is in GATE_METRICS; `phase` and `provider` do not
 * combine (there is no per-phase-per-provider histogram). scan, parse, validate and evaluate are
 * separate steps; every error quotes the input.
 */
import { parseDurationMs } from '../../units.js';

/** Operators, longest first so `<=` is never read as `<`. */
const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type GateOperator = (typeof OPERATORS)[number];

const AGGREGATION = /^(p\(\s*(\d+(?:\.\d+)?)\s*\)|avg|min|med|max|rate|count|value)/;
const VALUE = /^(-?\d+(?:\.\d+)?)\s*(ms|s|m|%)?$/;
const UNIT_FACTOR: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1000, m: 60_000 });
const KEY = /^([a-z_0-9]+)\s*(?:\{(.*)\})?$/;

export type Aggregation =
  { kind: 'percentile'; percentile: number } | { kind: 'avg' | 'min' | 'med' | 'max' | 'rate' | 'count' | 'value' };

export const PHASES = ['baseline', 'fault', 'recovery'] as const;
export type GatePhase = (typeof PHASES)[number];
export const SCOPE_TAGS = ['phase', 'provider', 'variant'] as const;
export type ScopeTag = (typeof SCOPE_TAGS)[number];

/** What a gate is measured over: the whole run, or a phase / serving provider / variant of it. */
export interface GateScope {
  phase?: GatePhase;
  provider?: string;
  variant?: string;
}

/** Which aggregations and scope tags each gateable metric supports, and whether values are durations. */
export const GATE_METRICS = Object.freeze({
  latency: {
    aggregations: ['percentile', 'avg', 'min', 'med', 'max'],
    duration: true,
    scopes: ['phase', 'provider', 'variant'],
  },
  ttft: {
    aggregations: ['percentile', 'avg', 'min', 'med', 'max'],
    duration: true,
    scopes: ['phase', 'provider', 'variant'],
  },
  success_rate: { aggregations: ['rate'], duration: false, scopes: ['phase', 'provider', 'variant'] },
  failover_time: { aggregations: ['max', 'min', 'avg'], duration: true, scopes: ['provider', 'variant'] },
  disruption: { aggregations: ['max', 'min', 'avg'], duration: true, scopes: ['provider', 'variant'] },
  recovery_time: { aggregations: ['max', 'min', 'avg'], duration: true, scopes: ['provider', 'variant'] },
  slice_availability: { aggregations: ['rate'], duration: false, scopes: ['variant'] },
  failed: { aggregations: ['count', 'rate'], duration: false, scopes: ['phase', 'variant'] },
  dropped: { aggregations: ['count', 'rate'], duration: false, scopes: ['phase', 'variant'] },
  cost_per_1k: { aggregations: ['value'], duration: false, scopes: ['variant'] },
  itl: {
    aggregations: ['percentile', 'avg', 'min', 'med', 'max'],
    duration: true,
    scopes: ['phase', 'provider', 'variant'],
  },
  tpot: {
    aggregations: ['percentile', 'avg', 'min', 'med', 'max'],
    duration: true,
    scopes: ['phase', 'provider', 'variant'],
  },
  goodput: { aggregations: ['rate', 'count', 'value'], duration: false, scopes: ['phase', 'provider', 'variant'] },
  convergence: { aggregations: ['max', 'min', 'avg'], duration: true, scopes: ['provider', 'variant'] },
  dead_attempts: { aggregations: ['max', 'min', 'avg', 'count'], duration: false, scopes: ['provider', 'variant'] },
  overspend: { aggregations: ['value', 'max'], duration: false, scopes: ['variant'] },
} as const);
export type GateMetric = keyof typeof GATE_METRICS;

export interface Gate {
  metric: GateMetric;
  /** The metric key in canonical form: `latency`, `latency{phase:fault}`. */
  key: string;
  scope: GateScope;
  /** The expression as written. */
  source: string;
  aggregation: Aggregation;
  operator: GateOperator;
  threshold: number;
  /** Stop the run as soon as this gate fails, once `delayMs` of load have passed. */
  abortOnFail?: { delayMs: number };
  /** Where the gate came from: the scenario (default) or `run --baseline`. */
  origin?: 'scenario' | 'baseline';
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
    throw new GateSyntaxError(
      `'${source}': expected an aggregation (p(N), avg, min, med, max, rate, count, value) at the start`,
    );
  }
  const rest = text.slice(aggregation.length).trimStart();
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (!operator)
    throw new GateSyntaxError(`'${source}': expected an operator (${OPERATORS.join(' ')}) after '${aggregation}'`);
  const value = rest.slice(operator.length).trim();
  if (value === '') throw new GateSyntaxError(`'${source}': expected a value after '${operator}'`);
  return { aggregation, operator, value };
}

/** Splits a metric key (`latency{phase:fault}`) into the metric and its scope. */
export function parseGateKey(key: string): { metric: GateMetric; scope: GateScope; key: string } {
  const match = KEY.exec(key.trim());
  if (!match) {
    const hint =
      key.includes('{') && !key.trim().endsWith('}')
        ? "expected '}' at the end"
        : 'expected metric or metric{tag:value,...}';
    throw new GateSyntaxError(`'${key}': ${hint}`);
  }
  const name = match[1]!;
  if (!(name in GATE_METRICS))
    throw new GateSyntaxError(`'${key}': unknown metric '${name}'; known: ${Object.keys(GATE_METRICS).join(', ')}`);
  const metric = name as GateMetric;
  const scope: GateScope = {};
  const body = match[2];
  if (body !== undefined) {
    for (const pair of body.split(',')) {
      const parts = /^\s*([a-z_]+)\s*:\s*([A-Za-z0-9_.\-/]+)\s*$/.exec(pair);
      if (!parts) throw new GateSyntaxError(`'${key}': expected tag:value pairs inside {}, got '${pair.trim()}'`);
      const tag = parts[1]!;
      const value = parts[2]!;
      if (!(SCOPE_TAGS as readonly string[]).includes(tag))
        throw new GateSyntaxError(`'${key}': unknown tag '${tag}'; known: ${SCOPE_TAGS.join(', ')}`);
      if (scope[tag as ScopeTag] !== undefined) throw new GateSyntaxError(`'${key}': tag '${tag}' given twice`);
      const allowed: readonly string[] = GATE_METRICS[metric].scopes;
      if (!allowed.includes(tag))
        throw new GateSyntaxError(`'${key}': ${metric} cannot be scoped by ${tag}; it can by ${allowed.join(', ')}`);
      if (tag === 'phase') {
        if (!(PHASES as readonly string[]).includes(value))
          throw new GateSyntaxError(`'${key}': phase must be ${PHASES.join(', ')}; got '${value}'`);
        scope.phase = value as GatePhase;
      } else {
        scope[tag as 'provider' | 'variant'] = value;
      }
    }
    if (scope.phase !== undefined && scope.provider !== undefined)
      throw new GateSyntaxError(`'${key}': phase and provider cannot be combined in one gate`);
  }
  return { metric, scope, key: canonicalKey(metric, scope) };
}

/** `metric{phase:..,provider:..,variant:..}`, tags in a fixed order; the bare metric when unscoped. */
export function canonicalKey(metric: GateMetric, scope: GateScope): string {
  const tags = SCOPE_TAGS.filter((tag) => scope[tag] !== undefined).map((tag) => `${tag}:${scope[tag]}`);
  return tags.length === 0 ? metric : `${metric}{${tags.join(',')}}`;
}

/** Turns an expression into a gate for a metric (and scope), validating it. */
export function parseGate(metric: GateMetric, source: string, scope: GateScope = {}): Gate {
  const tokens = scanGate(source);
  const percentile = /^p\(\s*(\d+(?:\.\d+)?)\s*\)$/.exec(tokens.aggregation);
  const aggregation: Aggregation = percentile
    ? { kind: 'percentile', percentile: Number(percentile[1]) }
    : { kind: tokens.aggregation as Exclude<Aggregation['kind'], 'percentile'> };
  const value = VALUE.exec(tokens.value);
  if (!value)
    throw new GateSyntaxError(`'${source}': '${tokens.value}' is not a number with an optional unit (ms, s, m, %)`);
  const unit = value[2];
  // `%` rounded to 15 significant digits: 95 * 0.01 is 0.9500000000000001 and 99.9 / 100 is
  // 0.9990000000000001, either of which would fail `rate >= N%` at exactly N%.
  const threshold =
    unit === '%'
      ? Number((Number(value[1]) / 100).toPrecision(15))
      : Number(value[1]) * (unit ? UNIT_FACTOR[unit]! : 1);
  const gate: Gate = {
    metric,
    key: canonicalKey(metric, scope),
    scope,
    source,
    aggregation,
    operator: tokens.operator,
    threshold,
  };
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
  if (
    gate.aggregation.kind === 'percentile' &&
    !(gate.aggregation.percentile >= 0 && gate.aggregation.percentile <= 100)
  ) {
    throw new GateSyntaxError(`'${gate.source}': percentile must be between 0 and 100`);
  }
  const isDurationUnit = unit === 'ms' || unit === 's' || unit === 'm';
  if (spec.duration && !isDurationUnit)
    throw new GateSyntaxError(`'${gate.source}': ${gate.metric} needs a duration unit (ms, s, m)`);
  if (!spec.duration && isDurationUnit)
    throw new GateSyntaxError(`'${gate.source}': ${gate.metric} is not a duration; use a number or %`);
  if ((gate.metric === 'cost_per_1k' || gate.metric === 'overspend') && unit === '%')
    throw new GateSyntaxError(`'${gate.source}': ${gate.metric} is in USD; use a plain number`);
}

const ENTRY_FIELDS = ['threshold', 'abort_on_fail', 'delay_abort_eval'] as const;

/** A problem in one entry, with the field it is about (for file:line reporting). */
export class GateEntryError extends GateSyntaxError {
  constructor(
    message: string,
    readonly field?: (typeof ENTRY_FIELDS)[number],
  ) {
    super(message);
  }
}

/** Parses one entry of a metric's list: an expression string or an object with `threshold`. */
export function parseGateEntry(key: string, entry: unknown): Gate {
  const { metric, scope } = parseGateKey(key);
  if (typeof entry === 'string') return parseGate(metric, entry, scope);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new GateEntryError(
      `${JSON.stringify(entry)}: expected an expression such as 'p(99) < 1s' or { threshold, abort_on_fail, delay_abort_eval }`,
    );
  }
  const fields = entry as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((f) => !(ENTRY_FIELDS as readonly string[]).includes(f));
  if (unknown.length > 0)
    throw new GateEntryError(
      `${JSON.stringify(entry)}: unknown field '${unknown[0]}'; allowed: ${ENTRY_FIELDS.join(', ')}`,
    );
  if (typeof fields.threshold !== 'string')
    throw new GateEntryError(
      `${JSON.stringify(entry)}: 'threshold' must be an expression string such as 'rate >= 95%'`,
      'threshold',
    );
  let gate: Gate;
  try {
    gate = parseGate(metric, fields.threshold, scope);
  } catch (error) {
    if (error instanceof GateSyntaxError) throw new GateEntryError(error.message, 'threshold');
    throw error;
  }
  const abort = fields.abort_on_fail;
  if (abort !== undefined && typeof abort !== 'boolean')
    throw new GateEntryError(
      `${JSON.stringify(entry)}: 'abort_on_fail' must be true or false, got ${JSON.stringify(abort)}`,
      'abort_on_fail',
    );
  const delay = fields.delay_abort_eval;
  let delayMs = 0;
  if (delay !== undefined) {
    const ms = typeof delay === 'string' ? parseDurationMs(delay) : undefined;
    if (ms === undefined)
      throw new GateEntryError(
        `${JSON.stringify(entry)}: 'delay_abort_eval' must be a duration such as 5s, got ${JSON.stringify(delay)}`,
        'delay_abort_eval',
      );
    if (abort !== true)
      throw new GateEntryError(
        `${JSON.stringify(entry)}: 'delay_abort_eval' needs abort_on_fail: true`,
        'delay_abort_eval',
      );
    delayMs = ms;
  }
  return abort === true ? { ...gate, abortOnFail: { delayMs } } : gate;
}

/**
 * Supplies the measured value of a metric's aggregation over a scope (milliseconds for
 * durations, fractions for rates); undefined when the run has no data for it.
 */
export type GateValueSource = (metric: GateMetric, aggregation: Aggregation, scope: GateScope) => number | undefined;

export interface GateResult {
  gate: Gate;
  actual: number | undefined;
  passed: boolean;
  /** Why a gate without data failed, e.g. no fault window to measure failover in. */
  note?: string;
}

export function evaluateGate(gate: Gate, valueOf: GateValueSource): GateResult {
  const actual = valueOf(gate.metric, gate.aggregation, gate.scope);
  if (actual === undefined || Number.isNaN(actual)) {
    return { gate, actual: undefined, passed: false, note: 'no data for this metric in the run' };
  }
  return { gate, actual, passed: compare(actual, gate.operator, gate.threshold) };
}

function compare(actual: number, operator: GateOperator, threshold: number): boolean {
  switch (operator) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
    case '==':
      return actual === threshold;
    case '!=':
      return actual !== threshold;
    default: {
      const unreachable: never = operator;
      return unreachable;
    }
  }
}

/**
 * Parses a scenario's `gates:` table (metric key -> entries). Problems go to `report` with their
 * path inside the table, so the loader can point at the file line; the rest still parse.
 */
export function parseGateTable(
  byMetric: Readonly<Record<string, readonly unknown[]>>,
  report: (path: Array<string | number>, message: string) => void,
): Gate[] {
  const parsed: Gate[] = [];
  for (const [key, entries] of Object.entries(byMetric)) {
    try {
      parseGateKey(key);
    } catch (error) {
      if (!(error instanceof GateSyntaxError)) throw error;
      report([key], error.message);
      continue;
    }
    entries.forEach((entry, index) => {
      try {
        parsed.push(parseGateEntry(key, entry));
      } catch (error) {
        if (!(error instanceof GateSyntaxError)) throw error;
        const field =
          error instanceof GateEntryError && error.field !== undefined && typeof entry === 'object'
            ? [error.field]
            : [];
        report([key, index, ...field], error.message);
      }
    });
  }
  return parsed;
}

/** Variant names the gates refer to, so the loader can check them against the scenario's variants. */
export function gateVariants(gates: readonly Gate[]): string[] {
  return [...new Set(gates.flatMap((g) => (g.scope.variant === undefined ? [] : [g.scope.variant])))];
}
