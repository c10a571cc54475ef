/**
 * A capacity sweep's tables: the throughput frontier and knee per configuration, then every step
 * of every configuration (offered and achieved rate, success, latency, added latency, schedule
 * lag). Left out unless the run was a sweep. Definitions: metrics/capacity-frontier.ts.
 */
import { formatMs, percent } from '../../units.js';
import {
  FRONTIER_BOUNDS_MS,
  KNEE_FACTOR,
  type CapacityAnalysis,
  type FrontierPoint,
} from '../../metrics/capacity-frontier.js';
import { capacityOf } from '../../scenario/result/capacity-result.js';
import type { RunResult } from '../../scenario/result/result.js';
import { signedMs } from '../format.js';
import type { ReportTable } from '../report-table.js';
import { method } from '../method.js';

const DEFINITIONS =
  'Each step is a span of the load clock; a request counts in the step of its intended start. Achieved = successes per second of the step; ' +
  'success = successes / scheduled (dropped count as failures); latency from the intended start, failures included (exact nearest rank); ' +
  'added = this configuration − the direct configuration at the same step and percentile. ' +
  'Frontier under X ms = the highest step rate such that it and every lower step had success 100% and added p99 < X ms ' +
  '("≥" when every step qualified, "none" when the first did not). ' +
  `A step breaches when its success fell below 100% or its p99 exceeded ${KNEE_FACTOR}× the median p99 of the steps before it; ` +
  'knee = the first step that breaches and whose next step breaches too (a one-step blip is not a knee).';

export function capacityTables(result: RunResult): ReportTable[] {
  // Computed from the steps (not read from result.json), so a re-rendered report follows the current definitions.
  const analyses = capacityOf(result);
  if (analyses === undefined) return [];
  return [frontierTable(result, analyses), stepsTable(result, analyses)];
}

function frontierTable(result: RunResult, analyses: readonly CapacityAnalysis[]): ReportTable {
  const withSlo = analyses.some((a) => a.sloFrontier !== undefined);
  return {
    id: 'capacity-frontier',
    title: 'Capacity: throughput frontier and knee',
    header: [
      'Configuration',
      ...FRONTIER_BOUNDS_MS.map((b) => `Frontier: added p99 < ${b} ms`),
      ...(withSlo ? ['Frontier: SLO met'] : []),
      'Knee',
    ],
    rows: analyses.map((a) => [
      a.name,
      ...FRONTIER_BOUNDS_MS.map((b) => {
        const point = a.frontier.find((f) => f.boundMs === b);
        return point === undefined ? (a.baseline === undefined ? 'baseline' : 'n/a') : frontierText(point);
      }),
      ...(withSlo ? [a.sloFrontier === undefined ? 'n/a' : frontierText(a.sloFrontier)] : []),
      kneeText(a),
    ]),
    method: `${method(result)}. ${DEFINITIONS}`,
  };
}

function stepsTable(result: RunResult, analyses: readonly CapacityAnalysis[]): ReportTable {
  const withSlo = analyses.some((a) => a.steps.some((s) => s.goodShare !== undefined));
  const ms = (v: number | undefined): string => (v === undefined ? '–' : formatMs(v));
  const delta = (v: number | undefined): string => (v === undefined ? '–' : signedMs(v));
  return {
    id: 'capacity-steps',
    title: 'Capacity: every step',
    header: [
      'Configuration',
      'Offered /s',
      'Achieved /s',
      'Success',
      'p50',
      'p99',
      'Added p50',
      'Added p99',
      'Schedule lag p99',
      ...(withSlo ? ['Met SLO'] : []),
    ],
    rows: analyses.flatMap((a) =>
      a.steps.map((s) => [
        a.name,
        rateText(s.rate),
        rateText(s.achievedPerSecond),
        percent(s.successRate),
        ms(s.p50Ms),
        ms(s.p99Ms),
        delta(s.addedP50Ms),
        delta(s.addedP99Ms),
        ms(s.lagP99Ms),
        ...(withSlo ? [s.goodShare === undefined ? '–' : percent(s.goodShare)] : []),
      ]),
    ),
    method: `${method(result)}. ${DEFINITIONS} Schedule lag = send − intended start; a large lag means the generator, not the target, fell behind.`,
  };
}

function frontierText(point: FrontierPoint): string {
  if (point.rate === null) return 'none';
  return `${point.atTop ? '≥ ' : ''}${rateText(point.rate)}/s`;
}

function kneeText(a: CapacityAnalysis): string {
  const knee = a.knee;
  if (knee === null) return `none up to ${rateText(a.steps.at(-1)?.rate ?? 0)}/s`;
  const step = a.steps[knee.index]!;
  if (knee.reason === 'success') return `${rateText(knee.rate)}/s (success ${percent(step.successRate)})`;
  return `${rateText(knee.rate)}/s (p99 ${formatMs(knee.p99Ms ?? 0)} vs ${formatMs(knee.priorMedianP99Ms ?? 0)} before)`;
}

function rateText(rate: number): string {
  return rate >= 100 ? String(Math.round(rate)) : rate.toFixed(1);
}
