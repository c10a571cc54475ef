/**
 * `run --repeat N`: the same scenario and seed run N times, each headline figure given as the
 * median across the runs with a confidence interval for it (metrics/median-interval.ts), per
 * configuration. One run's figure is one draw; the spread across runs is what a reader can trust.
 * Pure: returns the data (for repeat.json) and its Markdown.
 */
import type { Aggregates } from '../metrics/aggregate.js';
import { medianInterval, type MedianInterval } from '../metrics/median-interval.js';
import { formatMs, percent } from '../units.js';
import { configurationsOf } from './configurations.js';
import { micros, table, usd } from './format.js';
import type { RunResult } from '../scenario/result/result.js';
import { worstWindow } from './worst-window.js';

export interface RepeatFigure {
  configuration: string;
  metric: string;
  /** Each run's value, in run order (undefined where that run had none). */
  values: Array<number | undefined>;
  interval: MedianInterval | undefined;
}

export interface RepeatSummary {
  scenario: string;
  seed: number;
  runs: number;
  figures: RepeatFigure[];
}

interface Metric {
  name: string;
  of: (a: Aggregates) => number | undefined;
  format: (value: number) => string;
}

const METRICS: readonly Metric[] = [
  { name: 'Success rate', of: (a) => a.successRate, format: percent },
  { name: 'Failures/1K', of: (a) => a.failuresPer1k, format: (v) => v.toFixed(1) },
  { name: 'Latency p50', of: (a) => countable(a, a.latency.p50Us), format: micros },
  { name: 'Latency p95', of: (a) => countable(a, a.latency.p95Us), format: micros },
  { name: 'Latency p99', of: (a) => countable(a, a.latency.p99Us), format: micros },
  { name: 'TTFT p99', of: (a) => a.ttft?.p99Us, format: micros },
  { name: 'Failover time (worst)', of: (a) => worstWindow(a, 'failoverMs'), format: formatMs },
  { name: 'Recovery time (worst)', of: (a) => worstWindow(a, 'recoveryMs'), format: formatMs },
  { name: 'Cost per 1K requests', of: (a) => a.costPer1k, format: usd },
];

/** The figures of N results of one scenario (same seed), per configuration. */
export function summarizeRepeats(results: readonly RunResult[]): RepeatSummary {
  const first = results[0]!;
  const figures: RepeatFigure[] = [];
  for (const { name } of configurationsOf(first)) {
    const runs = results.map((r) => configurationsOf(r).find((c) => c.name === name)?.result.aggregates);
    for (const metric of METRICS) {
      const values = runs.map((a) => (a === undefined ? undefined : metric.of(a)));
      if (values.every((v) => v === undefined)) continue;
      figures.push({
        configuration: name,
        metric: metric.name,
        values,
        interval: medianInterval(values.filter((v): v is number => v !== undefined)),
      });
    }
  }
  return { scenario: first.scenario.name, seed: first.scenario.seed, runs: results.length, figures };
}

/** The table: configuration, metric, median, interval and its coverage, and every run's value. */
export function renderRepeatMarkdown(summary: RepeatSummary): string {
  const rows = summary.figures.map((f) => {
    const format = METRICS.find((m) => m.name === f.metric)!.format;
    const i = f.interval;
    return [
      f.configuration,
      f.metric,
      i === undefined ? '—' : format(i.median),
      i === undefined ? '—' : `${format(i.low)} – ${format(i.high)}`,
      i === undefined ? '—' : percent(i.coverage),
      f.values.map((v) => (v === undefined ? '—' : format(v))).join(', '),
    ];
  });
  return [
    `## ${summary.scenario}: ${summary.runs} runs, seed ${summary.seed}`,
    '',
    table(['Configuration', 'Metric', 'Median', 'Interval', 'Coverage', 'Runs'], rows),
    '',
    'Median across the runs; the interval is the distribution-free one from order statistics (the j-th ' +
      'smallest and largest run), at the coverage shown: 95% or more from 6 runs, min–max below that ' +
      '(75% for 3 runs, 93.8% for 5). Each run is a whole run (own processes, same seed); its own report ' +
      'is in run-<i>/.',
    '',
  ].join('\n');
}

/** Latency figures of a run that had no latency sample are no value, not zero. */
function countable(a: Aggregates, value: number): number | undefined {
  return a.latency.count > 0 ? value : undefined;
}
