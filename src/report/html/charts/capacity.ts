/**
 * A capacity sweep: offered rate against latency p50 and p99 (log scale, one colour per
 * configuration, p99 dashed) above offered rate against success, so the knee shows where the
 * tail lifts off or the success line drops.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CapacityAnalysis } from '../../../metrics/capacity-frontier.js';
import { KNEE_FACTOR } from '../../../metrics/capacity-frontier.js';
import { CHART_SIZE, PALETTE, type Chart } from './chart.js';
import { latencyAxis } from './log-axis.js';

/** Log scales cannot show 0: a percentile under 1 µs is drawn at 1 µs. */
const FLOOR_MS = 0.001;

/** Undefined when the run was not a sweep. */
export function capacityChart(analyses: readonly CapacityAnalysis[] | undefined): Chart | undefined {
  if (analyses === undefined || analyses.length === 0) return undefined;
  const names = analyses.map((a) => a.name);
  const latency = analyses.flatMap((a) =>
    a.steps.flatMap((s) => [
      { rate: s.rate, configuration: a.name, percentile: 'p50', ms: floor(s.p50Ms) },
      { rate: s.rate, configuration: a.name, percentile: 'p99', ms: floor(s.p99Ms) },
    ]),
  );
  const success = analyses.flatMap((a) =>
    a.steps.map((s) => ({ rate: s.rate, configuration: a.name, success: s.successRate * 100 })),
  );
  const rates = analyses.flatMap((a) => a.steps.map((s) => s.rate));
  // A sweep over a decade or more (geometric steps, typically) reads better on a log axis.
  const wide = Math.max(...rates) >= 10 * Math.min(...rates);
  const x = {
    field: 'rate',
    type: 'quantitative',
    title: `offered rate (req/s${wide ? ', log scale' : ''})`,
    scale: { ...(wide ? { type: 'log' } : {}), domain: [Math.min(...rates), Math.max(...rates)], nice: false },
  };
  const color = {
    field: 'configuration',
    type: 'nominal',
    title: 'configuration',
    scale: { domain: names, range: PALETTE.providers.slice(0, names.length) },
  };
  const spec = {
    vconcat: [
      {
        ...CHART_SIZE,
        data: { values: latency },
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
        encoding: {
          x,
          y: latencyAxis(latency.map((v) => v.ms ?? 0)),
          color,
          strokeDash: { field: 'percentile', type: 'nominal', title: 'percentile', scale: { domain: ['p50', 'p99'] } },
          detail: { field: 'percentile' },
        },
      },
      {
        ...CHART_SIZE,
        height: 140,
        data: { values: success },
        mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
        encoding: {
          x,
          y: { field: 'success', type: 'quantitative', title: 'success (%)', scale: { zero: false } },
          color,
        },
      },
    ],
  } as TopLevelSpec;
  return {
    id: 'capacity',
    title: 'Capacity: offered rate vs latency and success',
    caption:
      'Each point is one step of the sweep. Top: latency p50 (solid) and p99 (dashed) of the step\u2019s requests, in ms on a log scale, ' +
      'from the intended start, failures included (exact nearest rank). Bottom: success = successes / scheduled in the step. ' +
      `A step breaches when its success fell below 100% or its p99 exceeded ${KNEE_FACTOR}\u00d7 the median p99 of the steps before it; ` +
      'the knee is the first step that breaches and whose next step breaches too.',
    spec,
  };
}

function floor(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.max(FLOOR_MS, ms);
}
