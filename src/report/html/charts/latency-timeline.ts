/**
 * Latency p50 and p99 per slice over the run (log scale), over all requests and over successes
 * only (dashed), with fault windows shaded, recoveries and breaker transitions marked: where the
 * tail went during each fault, and when it came back. The success-only lines keep fast failures
 * (an instant 503) from making a failing provider look fastest.
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_SIZE, type Chart } from './chart.js';
import { latencyAxis } from './log-axis.js';
import { faultCaption, faultLayers, latencyTimeline, sliceLabel, timeAxis } from './timeline.js';

/** Log scales cannot show 0: a slice percentile under 1 µs (the histograms' floor) is drawn at 1 µs. */
const FLOOR_MS = 0.001;
const ALL = 'all requests';
const OK_ONLY = 'successes only';

export function latencyTimelineChart(a: Aggregates): Chart {
  const t = latencyTimeline(a);
  // Slices without requests carry nulls, so the lines break there instead of bridging the gap.
  // Results written before the success-only percentiles existed have none: their chart keeps two lines.
  const withOk = t.slices.some((s) => s.okP50Us !== undefined);
  const values = t.slices.flatMap((s) => {
    const at = (s.startMs + t.sliceMs / 2) / 1000;
    const point = (percentile: string, requests: string, us: number | undefined) => ({
      t: at,
      percentile,
      requests,
      ms: us === undefined ? null : Math.max(FLOOR_MS, us / 1000),
    });
    return [
      point('p50', ALL, s.p50Us),
      point('p99', ALL, s.p99Us),
      ...(withOk ? [point('p50', OK_ONLY, s.okP50Us), point('p99', OK_ONLY, s.okP99Us)] : []),
    ];
  });
  const faults = faultLayers(a, t);
  const spec = {
    ...CHART_SIZE,
    encoding: { x: timeAxis(t) },
    layer: [
      ...faults.under,
      {
        data: { values },
        mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.5 },
        encoding: {
          x: { field: 't' },
          y: latencyAxis(values.map((v) => v.ms ?? 0)),
          color: {
            field: 'percentile',
            type: 'nominal',
            title: 'percentile',
            scale: { domain: ['p50', 'p99'], range: ['#4c78a8', '#f58518'] },
          },
          strokeDash: {
            field: 'requests',
            type: 'nominal',
            title: 'over',
            scale: {
              domain: [ALL, OK_ONLY],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
          },
        },
      },
      ...faults.over,
    ],
  } as TopLevelSpec;
  return {
    id: 'latency-timeline',
    title: 'Latency over time: p50 and p99',
    caption:
      `Latency p50 and p99 per ${sliceLabel(t)}, in ms on a log scale. Latency = response complete \u2212 intended start ` +
      '(coordinated-omission free); solid lines over all requests (failed ones included, dropped ones not)' +
      (withOk
        ? ', dashed lines over successes only (fast failures such as an instant 503 pull the solid lines down, so read a failing provider\u2019s speed from the dashed ones)'
        : '') +
      '; each request counts in the slice of its intended start; ' +
      'percentiles are exact (nearest rank) over the slice\u2019s requests, so at low rates a slice\u2019s p99 is close to its slowest request. ' +
      'Gaps: slices without requests. ' +
      faultCaption(a),
    spec,
  };
}
