/**
 * Requests per slice stacked by outcome: ok, each failure kind, dropped. Each bar is the slice's
 * scheduled requests (accounting identity: scheduled = ok + failed + dropped).
 */
import type { Aggregates } from '../../../metrics/aggregate.js';
import { PALETTE, type Chart } from './chart.js';
import { stackedCountsSpec, type CountSeries } from './stacked-counts.js';
import { countTimeline, faultCaption, sliceLabel } from './timeline.js';

export function outcomesChart(a: Aggregates): Chart {
  const t = countTimeline(a);
  const kinds = [...new Set(t.slices.flatMap((s) => Object.keys(s.failedByKind)))].sort();
  const series: CountSeries[] = [
    { name: 'ok', color: PALETTE.ok, count: (s) => s.ok },
    ...kinds.map((kind, i) => ({
      name: kind,
      color: PALETTE.failures[i % PALETTE.failures.length]!,
      count: (s: { failedByKind: Partial<Record<string, number>> }) => s.failedByKind[kind] ?? 0,
    })),
    { name: 'dropped', color: PALETTE.dropped, count: (s) => s.dropped },
  ];
  return {
    id: 'outcomes',
    title: 'Requests per slice by outcome',
    caption:
      `Scheduled requests per ${sliceLabel(t)} (by intended start), stacked by how they ended: ok (a 2xx with a well-formed completion; ` +
      'for streams a terminal [DONE] and no error event, within the client timeout), each failure kind (status_NNN, reset, connect, timeout, ' +
      'bad_body, stream_cut, stream_error, interrupted), and dropped (never sent: beyond max_in_flight). ' +
      'Each bar\u2019s height is the slice\u2019s scheduled requests. ' +
      faultCaption(a),
    spec: stackedCountsSpec(a, t, series, 'outcome'),
  };
}
