/**
 * The load generator's own health, one row per configuration: schedule lag (how late arrivals
 * were sent compared with when they were due) and the generator's event-loop delay. Latency is
 * measured from the intended start either way; a high lag means the offered load was burstier
 * than the schedule said. Left out for closed-model runs (no schedule to lag).
 */
import { formatMs } from '../../units.js';
import { configurationsOf } from '../configurations.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

export function scheduleLagTable(result: RunResult): ReportTable | undefined {
  const rows = configurationsOf(result).flatMap(({ name, result: run }) => {
    const lag = run.aggregates.scheduleLag;
    if (lag === undefined) return [];
    return [
      [
        name,
        formatMs(lag.p50Ms),
        formatMs(lag.p99Ms),
        formatMs(lag.maxMs),
        formatMs(lag.eventLoopDelayP99Ms),
        lag.warning ? `**p99 above ${formatMs(lag.thresholdMs)}**: add load.workers` : 'ok',
      ],
    ];
  });
  if (rows.length === 0) return undefined;
  return {
    id: 'schedule-lag',
    title: 'Load generator: schedule lag',
    header: [
      'Configuration',
      'Schedule lag p50',
      'Schedule lag p99',
      'Schedule lag max',
      'Event-loop delay p99',
      'Verdict',
    ],
    rows,
    method:
      'Schedule lag = when the generator sent each arrival − when the schedule said it was due, over every arrival (HDR, µs). ' +
      'Latency counts from the intended start regardless (coordinated-omission free); a p99 lag above the threshold means the ' +
      'offered load was burstier than specified and the generator, not the target, may be the bottleneck.',
  };
}
