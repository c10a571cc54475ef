/**
 * Requests per slice as stacked bars, one colour per series, over the fault-window layers: the
 * shape the served-by and outcome charts share. Each series counts a disjoint part of the slice's
 * scheduled requests, so a bar's height is the slice's scheduled (offered) requests.
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import type { Slice } from '../../../metrics/slices.js';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_SIZE } from './chart.js';
import { faultLayers, sliceLabel, timeAxis, type Timeline } from './timeline.js';

export interface CountSeries {
  name: string;
  color: string;
  count: (slice: Slice) => number;
}

export function stackedCountsSpec(
  a: Aggregates,
  t: Timeline,
  all: readonly CountSeries[],
  legendTitle: string,
): TopLevelSpec {
  // Series that never occur stay out of the legend.
  const series = all.filter((entry) => t.slices.some((s) => entry.count(s) > 0));
  const values = t.slices.flatMap((s) =>
    series
      .map((entry, order) => ({
        t: s.startMs / 1000,
        t2: (s.startMs + t.sliceMs) / 1000,
        series: entry.name,
        order,
        n: entry.count(s),
      }))
      .filter((row) => row.n > 0)
      .map((row) => ({ ...row, label: `${row.series}: ${row.n} of ${s.offered} requests, ${row.t}\u2013${row.t2} s` })),
  );
  const faults = faultLayers(a, t);
  // Headroom above the tallest bar, where the fault labels go.
  const top = Math.max(1, ...t.slices.map((s) => s.offered)) * (faults.over.length > 0 ? 1.3 : 1);
  return {
    ...CHART_SIZE,
    encoding: { x: timeAxis(t) },
    layer: [
      ...faults.under,
      {
        data: { values },
        // Stacked by hand: a bar spanning x..x2 would otherwise be read as a horizontal bar.
        transform: [{ stack: 'n', groupby: ['t'], sort: [{ field: 'order' }], as: ['y0', 'y1'] }],
        mark: { type: 'rect', stroke: 'white', strokeWidth: t.slices.length > 120 ? 0 : 0.5 },
        encoding: {
          x: { field: 't' },
          x2: { field: 't2' },
          y: {
            field: 'y0',
            type: 'quantitative',
            title: `requests per ${sliceLabel(t)}`,
            scale: { domain: [0, top], nice: false },
          },
          y2: { field: 'y1' },
          description: { field: 'label' },
          color: {
            field: 'series',
            type: 'nominal',
            title: legendTitle,
            scale: { domain: series.map((s) => s.name), range: series.map((s) => s.color) },
          },
        },
      },
      ...faults.over,
    ],
  } as TopLevelSpec;
}
