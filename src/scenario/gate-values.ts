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
      case 'failover_time': {
        const times = aggregates.windows.flatMap((w) => (w.failoverMs === undefined ? [] : [w.failoverMs]));
        // A fault on the primary with no failover at all must fail a failover gate, not pass it.
        const primaryWindowsWithout = aggregates.windows.some((w) => w.onPrimary && w.failoverMs === undefined);
        if (times.length === 0 || (aggregation.kind === 'max' && primaryWindowsWithout)) return undefined;
        if (aggregation.kind === 'max') return Math.max(...times);
        if (aggregation.kind === 'min') return Math.min(...times);
        return times.reduce((a, b) => a + b, 0) / times.length;
      }
      default: {
        const unreachable: never = metric;
        return unreachable;
      }
    }
  };
}

export function evaluateGates(gates: readonly Gate[], aggregates: Aggregates): GateResult[] {
  const valueOf = gateValues(aggregates);
  return gates.map((gate) => evaluateGate(gate, valueOf));
}
