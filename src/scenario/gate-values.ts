/** Where each gateable metric's value comes from in a run's aggregates (durations in ms). */
import type { Aggregates } from '../metrics/aggregate.js';
import { decodeHistogram } from '../metrics/histogram.js';
import { evaluateGate, type Aggregation, type Gate, type GateMetric, type GateResult } from './gates.js';

export function gateValues(aggregates: Aggregates): (metric: GateMetric, aggregation: Aggregation) => number | undefined {
  let histogram: ReturnType<typeof decodeHistogram> | undefined;
  const latencyMs = (aggregation: Aggregation): number | undefined => {
    histogram ??= decodeHistogram(aggregates.latencyHistogram);
    if (histogram.totalCount === 0) return undefined;
    switch (aggregation.kind) {
      case 'percentile': return histogram.getValueAtPercentile(aggregation.percentile) / 1000;
      case 'med': return histogram.getValueAtPercentile(50) / 1000;
      case 'avg': return histogram.mean / 1000;
      case 'min': return histogram.minNonZeroValue / 1000;
      case 'max': return histogram.maxValue / 1000;
      default: return undefined;
    }
  };
  return (metric, aggregation) => {
    switch (metric) {
      case 'latency':
        return latencyMs(aggregation);
      case 'success_rate':
        return aggregates.scheduled === 0 ? undefined : aggregates.successRate;
      case 'failed':
      case 'dropped': {
        const count = aggregates[metric];
        return aggregation.kind === 'rate' ? (aggregates.scheduled === 0 ? undefined : count / aggregates.scheduled) : count;
      }
      case 'slice_availability':
        return aggregates.sliceAvailability;
      case 'failover_time':
        // Only a fault on the primary has a failover; one without any must fail the gate, not pass it.
        return perWindow(aggregates.windows.filter((w) => w.onPrimary).map((w) => w.failoverMs), aggregation);
      case 'disruption':
        return perWindow(aggregates.windows.map((w) => w.disruptionMs), aggregation);
      case 'recovery_time':
        return perWindow(aggregates.windows.map((w) => w.recoveryMs), aggregation);
      default: {
        const unreachable: never = metric;
        return unreachable;
      }
    }
  };
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

export function evaluateGates(gates: readonly Gate[], aggregates: Aggregates): GateResult[] {
  const valueOf = gateValues(aggregates);
  return gates.map((gate) => evaluateGate(gate, valueOf));
}
