/**
 * Requests per slice stacked by the provider that served them, plus failed and dropped requests,
 * so each bar is the slice's scheduled requests: the failover (and the return to the primary) as
 * the clients saw it.
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import { PALETTE, type Chart } from './chart.js';
import { stackedCountsSpec, type CountSeries } from './stacked-counts.js';
import { countTimeline, faultCaption, sliceLabel } from './timeline.js';

/** `chain` is the target's chain in priority order; providers seen only in the slices follow it. */
export function servedByChart(a: Aggregates, chain: readonly string[]): Chart {
  const t = countTimeline(a);
  const seen = new Set(t.slices.flatMap((s) => Object.keys(s.servedBy)));
  const providers = [...chain.filter((p) => seen.has(p)), ...[...seen].filter((p) => !chain.includes(p)).sort()];
  const series: CountSeries[] = [
    ...providers.map((name, i) => ({
      name,
      color: PALETTE.providers[i % PALETTE.providers.length]!,
      count: (s: { servedBy: Record<string, number> }) => s.servedBy[name] ?? 0,
    })),
    { name: 'failed', color: PALETTE.failures[0]!, count: (s) => s.failed },
    { name: 'dropped', color: PALETTE.dropped, count: (s) => s.dropped },
  ];
  return {
    id: 'served-by',
    title: 'Requests per slice by serving provider',
    caption:
      `Scheduled requests per ${sliceLabel(t)} (by intended start), stacked: successes by the provider that served them ` +
      '(as the relay reported it, else attributed from the mock providers\u2019 request logs), then failed and dropped requests, ' +
      'so each bar\u2019s height is the slice\u2019s scheduled requests. ' +
      faultCaption(a),
    spec: stackedCountsSpec(a, t, series, 'served by'),
  };
}
