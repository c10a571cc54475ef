/**
 * Where each gateable metric's value comes from in a run's aggregates (durations in ms, rates as
 * fractions, cost in USD), and the abort check the load phase makes while load is still running.
 */
import type { Aggregates } from '../../metrics/aggregate.js';
import { decodeHistogram, type LatencyHistogram } from '../../metrics/histogram.js';
import type { Goodput, ServingFigures } from '../../metrics/serving.js';
import type { Timings } from '../../metrics/timings.js';
import { fleetGateValue } from './fleet-values.js';
import {
  evaluateGate,
  type Aggregation,
  type Gate,
  type GateResult,
  type GateScope,
  type GateValueSource,
} from './grammar.js';

/** Per-variant aggregates, by variant name, for gates scoped `{variant:name}`. */
export type VariantAggregates = Readonly<Record<string, Aggregates>>;

/**
 * The value source for one run. Unscoped-by-variant gates read `aggregates`; a gate scoped
 * `{variant:x}` reads `variants[x]` (undefined, so failing, when the run has no such variant).
 */
export function gateValues(aggregates: Aggregates, variants?: VariantAggregates): GateValueSource {
  const decoded = new Map<string, LatencyHistogram>();
  const histogram = (encoded: string | undefined): LatencyHistogram | undefined => {
    if (encoded === undefined) return undefined;
    let h = decoded.get(encoded);
    if (!h) decoded.set(encoded, (h = decodeHistogram(encoded)));
    return h;
  };
  return (metric, aggregation, scope) => {
    const a = scope.variant === undefined ? aggregates : variants?.[scope.variant];
    if (!a) return undefined;
    switch (metric) {
      case 'latency':
        return durationOf(histogram(timingsFor(a, scope)?.latencyHistogram), aggregation);
      case 'ttft':
        return durationOf(histogram(timingsFor(a, scope)?.ttftHistogram), aggregation);
      case 'success_rate': {
        const { ok, requests } = tallyFor(a, scope) ?? { ok: 0, requests: 0 };
        return requests === 0 ? undefined : ok / requests;
      }
      case 'failed':
      case 'dropped': {
        const tally = tallyFor(a, scope);
        if (!tally) return undefined;
        const count = tally[metric];
        return aggregation.kind === 'rate' ? (tally.requests === 0 ? undefined : count / tally.requests) : count;
      }
      case 'slice_availability':
        return a.sliceAvailability;
      case 'failover_time':
        // Only a fault on the primary has a failover; one without any must fail the gate, not pass it.
        return perWindow(
          windowsFor(a, scope)
            .filter((w) => w.onPrimary)
            .map((w) => w.failoverMs),
          aggregation,
        );
      case 'disruption':
        return perWindow(
          windowsFor(a, scope).map((w) => w.disruptionMs),
          aggregation,
        );
      case 'recovery_time':
        return perWindow(
          windowsFor(a, scope).map((w) => w.recoveryMs),
          aggregation,
        );
      case 'cost_per_1k':
        return a.costPer1k;
      case 'itl':
        return durationOf(histogram(servingFor(a, scope)?.itlHistogram), aggregation);
      case 'tpot':
        return durationOf(histogram(servingFor(a, scope)?.tpotHistogram), aggregation);
      case 'goodput':
        return goodputValue(servingFor(a, scope)?.goodput, aggregation);
      case 'convergence':
      case 'dead_attempts':
      case 'overspend':
        return fleetGateValue(a.fleet, metric, aggregation, scope);
      default: {
        const unreachable: never = metric;
        return unreachable;
      }
    }
  };
}

/** Serving figures for a scope: the run, a phase, or a provider. */
function servingFor(a: Aggregates, scope: GateScope): ServingFigures | undefined {
  if (scope.phase !== undefined) return a.serving?.phases[scope.phase];
  if (scope.provider !== undefined) return a.serving?.providers[scope.provider];
  return a.serving;
}

/** `rate`: the share of requests that met every objective; `count`: how many; `value`: per second. */
function goodputValue(goodput: Goodput | undefined, aggregation: Aggregation): number | undefined {
  if (!goodput || goodput.requests === 0) return undefined;
  if (aggregation.kind === 'count') return goodput.good;
  if (aggregation.kind === 'value') return goodput.ratePerSecond;
  return goodput.share;
}

/** Fault windows for a scope: all, or (`{provider:x}`) those of faults on that provider. */
function windowsFor(a: Aggregates, scope: GateScope): Aggregates['windows'] {
  return scope.provider === undefined ? a.windows : a.windows.filter((w) => w.provider === scope.provider);
}

/** Timings for a scope: the run, a phase, or a provider (undefined when it saw no request). */
function timingsFor(a: Aggregates, scope: GateScope): Partial<Timings> | undefined {
  if (scope.phase !== undefined) return a.phaseTimings?.[scope.phase];
  if (scope.provider !== undefined) return a.providers?.[scope.provider];
  return a;
}

function tallyFor(
  a: Aggregates,
  scope: GateScope,
): { requests: number; ok: number; failed: number; dropped: number } | undefined {
  if (scope.phase !== undefined) return a.phases[scope.phase];
  if (scope.provider !== undefined) {
    const p = a.providers?.[scope.provider];
    return p ? { requests: p.requests, ok: p.ok, failed: p.failed, dropped: 0 } : undefined;
  }
  return { requests: a.scheduled, ok: a.ok, failed: a.failed, dropped: a.dropped };
}

function durationOf(h: LatencyHistogram | undefined, aggregation: Aggregation): number | undefined {
  if (!h || h.totalCount === 0) return undefined;
  switch (aggregation.kind) {
    case 'percentile':
      return h.getValueAtPercentile(aggregation.percentile) / 1000;
    case 'med':
      return h.getValueAtPercentile(50) / 1000;
    case 'avg':
      return h.mean / 1000;
    case 'min':
      return h.minNonZeroValue / 1000;
    case 'max':
      return h.maxValue / 1000;
    default:
      return undefined;
  }
}

/**
 * A per-window duration aggregated over windows. A window without a value (never failed over,
 * never recovered) makes `max` undefined: the worst case is unknown, so the gate must fail.
 */
function perWindow(values: ReadonlyArray<number | undefined>, aggregation: Aggregation): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0 || (aggregation.kind === 'max' && known.length < values.length)) return undefined;
  if (aggregation.kind === 'max') return Math.max(...known);
  if (aggregation.kind === 'min') return Math.min(...known);
  return known.reduce((a, b) => a + b, 0) / known.length;
}

export interface EvaluateOptions {
  /** Per-variant aggregates, when the run has variants. */
  variants?: VariantAggregates;
}

export function evaluateGates(
  gates: readonly Gate[],
  aggregates: Aggregates,
  options: EvaluateOptions = {},
): GateResult[] {
  const valueOf = gateValues(aggregates, options.variants);
  return gates.map((gate) => {
    const result = evaluateGate(gate, valueOf);
    const variant = gate.scope.variant;
    if (result.actual === undefined && variant !== undefined && options.variants?.[variant] === undefined) {
      return {
        ...result,
        note: options.variants
          ? `the run has no variant '${variant}'`
          : `the run has no variants (gate is scoped to '${variant}')`,
      };
    }
    return result;
  });
}

/**
 * Whether the run must stop now: the first `abort_on_fail` gate, past its `delay_abort_eval`,
 * that fails on the partial aggregates measured so far. A gate without data yet (no fault
 * window so far, no stream yet) does not abort: it can still pass by the end. Pure; the load phase
 * calls it on its progress tick and stops the load when it returns a result.
 */
export function shouldAbort(
  gates: readonly Gate[],
  partial: Aggregates,
  elapsedMs: number,
  variants?: VariantAggregates,
): GateResult | undefined {
  const due = gates.filter((g) => g.abortOnFail !== undefined && elapsedMs >= g.abortOnFail.delayMs);
  if (due.length === 0) return undefined;
  const valueOf = gateValues(partial, variants);
  for (const gate of due) {
    const result = evaluateGate(gate, valueOf);
    if (result.actual !== undefined && !result.passed) return result;
  }
  return undefined;
}
