/**
 * `compare a.json b.json`: the headline metrics of two runs side by side, with deltas (b - a),
 * and regressions of b against a flagged with the thresholds `run --baseline` uses
 * (gates/baseline.ts), b's own sampling noise included. Pure: returns the Markdown and the list
 * of regressions.
 */
import type { Aggregates } from '../metrics/aggregate.js';
import { formatMs, percent } from '../units.js';
import { micros, table, usd } from './format.js';
import { percentileInterval } from '../metrics/percentile-interval.js';
import { worstWindow } from './worst-window.js';
import { regressionLimits, REGRESSION_DEFAULTS } from '../scenario/gates/baseline.js';
import type { RunResult } from '../scenario/result/result.js';

export interface Comparison {
  markdown: string;
  /** One line per flagged regression; empty when b holds up against a. */
  regressions: string[];
}

interface Row {
  metric: string;
  a: number | undefined;
  b: number | undefined;
  format: (value: number) => string;
  delta: (a: number, b: number) => string;
  regression?: (a: Aggregates, b: number) => boolean;
}

/**
 * Two runs side by side; two variants runs configuration by configuration (matched by variant
 * name), each with its own table and regressions.
 */
export function renderComparison(
  a: RunResult,
  b: RunResult,
  tolerance: number = REGRESSION_DEFAULTS.latencyTolerance,
): Comparison {
  const aVariants = a.variants ?? [];
  const bVariants = b.variants ?? [];
  if (aVariants.length === 0 || bVariants.length === 0)
    return compareRuns(a, b, tolerance, `## ${a.scenario.name} vs ${b.scenario.name}`);
  const sections: string[] = [`## ${a.scenario.name} vs ${b.scenario.name}, by configuration`, ''];
  const regressions: string[] = [];
  for (const variant of aVariants) {
    const other = bVariants.find((v) => v.name === variant.name);
    if (other === undefined) continue;
    const one = compareRuns(variant.result, other.result, tolerance, `### ${variant.name}`);
    sections.push(one.markdown);
    regressions.push(...one.regressions.map((r) => `${variant.name}: ${r}`));
  }
  const unmatched = [
    ...aVariants.filter((v) => !bVariants.some((w) => w.name === v.name)).map((v) => `${v.name} (A only)`),
    ...bVariants.filter((v) => !aVariants.some((w) => w.name === v.name)).map((v) => `${v.name} (B only)`),
  ];
  if (unmatched.length > 0) sections.push(`Not compared: ${unmatched.join(', ')}.`, '');
  sections.push(
    regressions.length === 0
      ? 'No regression in any configuration.'
      : `**${regressions.length} regression(s)**: ${regressions.join('; ')}`,
    '',
  );
  return { markdown: sections.join('\n'), regressions };
}

function compareRuns(a: RunResult, b: RunResult, tolerance: number, title: string): Comparison {
  const limits = regressionLimits(a.aggregates, tolerance);
  const rows = headlineRows(a.aggregates, b.aggregates, limits);
  const regressions: string[] = [];
  const cells = rows.map((row) => {
    const flagged = row.a !== undefined && row.b !== undefined && row.regression?.(a.aggregates, row.b) === true;
    if (flagged) regressions.push(`${row.metric}: ${row.format(row.a!)} -> ${row.format(row.b!)}`);
    return [
      row.metric,
      row.a === undefined ? '—' : row.format(row.a),
      row.b === undefined ? '—' : row.format(row.b),
      row.a === undefined || row.b === undefined ? '—' : row.delta(row.a, row.b),
      flagged ? '**REGRESSION**' : '',
    ];
  });
  const pct = `${+(tolerance * 100).toFixed(2)}%`;
  const lines = [
    title,
    '',
    `A: ${describe(a)}`,
    `B: ${describe(b)}`,
    '',
    table(['Metric', 'A', 'B', 'Δ (B − A)', 'Regression'], cells),
    '',
    `Regression thresholds: p99 latency more than ${pct} above A's and beyond sampling noise (B's p99 interval entirely above A's: 95% order-statistic intervals from each run's histogram${limits.p99Ms !== undefined ? `; ceiling ${formatMs(limits.p99Ms)}` : ''}); success rate more than ${REGRESSION_DEFAULTS.successRateDropPp} pp below A's.`,
    regressions.length === 0 ? 'No regression.' : `**${regressions.length} regression(s)**: ${regressions.join('; ')}`,
    '',
  ];
  return { markdown: lines.join('\n'), regressions };
}

function headlineRows(a: Aggregates, b: Aggregates, limits: ReturnType<typeof regressionLimits>): Row[] {
  const count = (n: number): string => String(n);
  const countDelta = (x: number, y: number): string => signed(y - x, String);
  const rateDelta = (x: number, y: number): string => `${signed((y - x) * 100, (v) => v.toFixed(2))} pp`;
  const usDelta = (x: number, y: number): string =>
    `${signed((y - x) / 1000, formatSignedMs)}${x > 0 ? ` (${signed(((y - x) / x) * 100, (v) => v.toFixed(1))}%)` : ''}`;
  const msDelta = (x: number, y: number): string => signed(y - x, formatSignedMs);
  const rows: Row[] = [
    { metric: 'Requests', a: a.scheduled, b: b.scheduled, format: count, delta: countDelta },
    {
      metric: 'Success rate',
      a: a.successRate,
      b: b.successRate,
      format: percent,
      delta: rateDelta,
      regression: (_base, value) => limits.successRate !== undefined && value < limits.successRate - 1e-12,
    },
    {
      metric: 'Failures/1K',
      a: a.failuresPer1k,
      b: b.failuresPer1k,
      format: (v) => v.toFixed(1),
      delta: (x, y) => signed(y - x, (v) => v.toFixed(1)),
    },
    { metric: 'Latency p50', a: a.latency.p50Us, b: b.latency.p50Us, format: micros, delta: usDelta },
    { metric: 'Latency p95', a: a.latency.p95Us, b: b.latency.p95Us, format: micros, delta: usDelta },
    {
      metric: 'Latency p99',
      a: a.latency.p99Us,
      b: b.latency.p99Us,
      format: micros,
      delta: usDelta,
      // B's p99 is a sample too: flagged only when even the low end of its interval is over the ceiling.
      regression: (_base, value) => limits.p99Ms !== undefined && p99LowUs(b, value) / 1000 > limits.p99Ms,
    },
  ];
  if (a.ttft || b.ttft) {
    rows.push({ metric: 'TTFT p50', a: a.ttft?.p50Us, b: b.ttft?.p50Us, format: micros, delta: usDelta });
    rows.push({ metric: 'TTFT p99', a: a.ttft?.p99Us, b: b.ttft?.p99Us, format: micros, delta: usDelta });
  }
  rows.push({
    metric: 'Slice availability',
    a: a.sliceAvailability,
    b: b.sliceAvailability,
    format: percent,
    delta: rateDelta,
  });
  rows.push({
    metric: 'Failover time (worst)',
    a: worstWindow(a, 'failoverMs'),
    b: worstWindow(b, 'failoverMs'),
    format: formatMs,
    delta: msDelta,
  });
  rows.push({
    metric: 'Disruption (worst)',
    a: worstWindow(a, 'disruptionMs'),
    b: worstWindow(b, 'disruptionMs'),
    format: formatMs,
    delta: msDelta,
  });
  rows.push({
    metric: 'Recovery time (worst)',
    a: worstWindow(a, 'recoveryMs'),
    b: worstWindow(b, 'recoveryMs'),
    format: formatMs,
    delta: msDelta,
  });
  if (a.costPer1k !== undefined || b.costPer1k !== undefined) {
    rows.push({
      metric: 'Cost per 1K requests',
      a: a.costPer1k,
      b: b.costPer1k,
      format: usd,
      delta: (x, y) => signed(y - x, (v) => usd(Math.abs(v))),
    });
  }
  return rows;
}

/** The low end of a run's p99 95% sampling interval, µs (its point value without a histogram). */
function p99LowUs(run: Aggregates, pointUs: number): number {
  return (run.latencyHistogram ? percentileInterval(run.latencyHistogram, 99)?.lowUs : undefined) ?? pointUs;
}

function signed(value: number, format: (v: number) => string): string {
  if (value === 0) return '0';
  return `${value > 0 ? '+' : '−'}${format(Math.abs(value))}`;
}

function formatSignedMs(ms: number): string {
  return formatMs(ms);
}

function describe(result: RunResult): string {
  const { scenario } = result;
  const rate = (scenario.load as { rate?: number }).rate;
  return `${scenario.file} (${scenario.target.kind}, chain ${(scenario.target.chain ?? []).join(' → ') || '—'}${rate !== undefined ? `, ${rate} req/s` : ''}, seed ${scenario.seed}, ${result.startedAt})`;
}
