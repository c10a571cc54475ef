/**
 * Latency p50 and p99 per slice over the run (log scale), with fault windows shaded and
 * recoveries marked: where the tail went during each fault, and when it came back.
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_SIZE, type Chart } from './chart.js';
import { latencyAxis } from './log-axis.js';
import { faultCaption, faultLayers, latencyTimeline, sliceLabel, timeAxis } from './timeline.js';

/** Log scales cannot show 0: a slice percentile under 1 µs (the histograms' floor) is drawn at 1 µs. */
const FLOOR_MS = 0.001;

export function latencyTimelineChart(a: Aggregates): Chart {
  const t = latencyTimeline(a);
  // Slices without requests carry nulls, so the lines break there instead of bridging the gap.
  const values = t.slices.flatMap((s) => {
    const at = (s.startMs + t.sliceMs / 2) / 1000;
    return [
      { t: at, series: 'p50', ms: s.p50Us === undefined ? null : Math.max(FLOOR_MS, s.p50Us / 1000) },
      { t: at, series: 'p99', ms: s.p99Us === undefined ? null : Math.max(FLOOR_MS, s.p99Us / 1000) },
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
            field: 'series',
            type: 'nominal',
            title: 'percentile',
            scale: { domain: ['p50', 'p99'], range: ['#4c78a8', '#f58518'] },
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
      '(coordinated-omission free), failed requests included, dropped ones not; each request counts in the slice of its intended start; ' +
      'percentiles are exact (nearest rank) over the slice\u2019s requests, so at low rates a slice\u2019s p99 is close to its slowest request. ' +
      'Gaps: slices without requests. ' +
      faultCaption(a),
    spec,
  };
}
