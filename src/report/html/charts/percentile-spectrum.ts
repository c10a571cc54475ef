/**
 * The HDR percentile spectrum: latency at every percentile, one line per variant, on the log
 * "nines" axis HdrHistogram plots use (x = 1 / (1 − p): 50%, 90%, 99%, 99.9% equally spaced).
 * Read from each run's encoded latency histogram, so the tail is the recorded one, not a summary.
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import { decodeHistogram } from '../../../metrics/histogram.js';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_SIZE, PALETTE, type Chart } from './chart.js';
import { latencyAxis } from './log-axis.js';

/** Points per decade of 1 / (1 − p): smooth enough for a step function sampled this way. */
const POINTS_PER_DECADE = 24;
const NINES = [1, 2, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

export interface SpectrumRun {
  name: string;
  aggregates: Aggregates;
}

/** Undefined when no run recorded a latency (nothing to plot). */
/** The x axis of a spectrum: 1 / (1 − p) on a log scale, ticks labelled 50%, 90%, 99%... */
export function ninesAxis(values: ReadonlyArray<{ x: number }>): object {
  const xMax = Math.max(...values.map((v) => v.x));
  const ticks = NINES.filter((x) => x <= xMax);
  const label = ticks.map((x) => `datum.value == ${x} ? '${nineLabel(x)}'`).join(' : ') + " : ''";
  return {
    field: 'x',
    type: 'quantitative',
    title: 'percentile (log scale of 1 / (1 \u2212 p))',
    scale: { type: 'log', domain: [1, Math.max(2, xMax)], nice: false },
    axis: { values: ticks, labelExpr: label },
  };
}

export function percentileSpectrumChart(runs: readonly SpectrumRun[]): Chart | undefined {
  const plotted = runs.filter((r) => r.aggregates.latency.count > 0);
  if (plotted.length === 0) return undefined;
  const values = plotted.flatMap((r) => spectrum(r.name, r.aggregates.latencyHistogram));
  const spec = {
    ...CHART_SIZE,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.75 },
    encoding: {
      x: ninesAxis(values),
      y: latencyAxis(values.map((v) => v.ms)),
      color: {
        field: 'variant',
        type: 'nominal',
        title: plotted.length > 1 ? 'variant' : 'run',
        scale: { domain: plotted.map((r) => r.name), range: [...PALETTE.providers] },
      },
    },
  } as TopLevelSpec;
  return {
    id: 'percentile-spectrum',
    title: plotted.length > 1 ? 'Latency percentile spectrum per variant' : 'Latency percentile spectrum',
    caption:
      'Latency (ms, log scale) at each percentile p, read from the run\u2019s HDR latency histogram (microseconds, 3 significant digits), ' +
      'one line per configuration. The x axis is 1 / (1 \u2212 p) on a log scale, so 50%, 90%, 99%, 99.9%\u2026 are equally spaced and the tail gets the room; ' +
      'each line ends at its slowest request. Latency = response complete \u2212 intended start (coordinated-omission free), failed requests included, dropped ones not.',
    spec,
  };
}

/** Latency (ms) at percentiles sampled evenly on log(1 / (1 − p)), from p = 0 up to the last recorded value. */
export function spectrum(
  name: string,
  encoded: string,
): Array<{ variant: string; x: number; percentile: number; ms: number }> {
  const histogram = decodeHistogram(encoded);
  try {
    const xMax = Math.max(2, histogram.totalCount);
    const steps = Math.ceil(Math.log10(xMax) * POINTS_PER_DECADE);
    return Array.from({ length: steps + 1 }, (_, i) => {
      const x = Math.min(xMax, 10 ** (i / POINTS_PER_DECADE));
      const percentile = 100 * (1 - 1 / x);
      return { variant: name, x, percentile, ms: Math.max(0.001, histogram.getValueAtPercentile(percentile) / 1000) };
    });
  } finally {
    histogram.destroy();
  }
}

export function nineLabel(x: number): string {
  return `${+(100 - 100 / x).toFixed(6)}%`;
}
