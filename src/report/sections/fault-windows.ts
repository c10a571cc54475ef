/** The fault windows table: each window's requests, failures, failover, disruption and recovery. */
import type { Aggregates } from '../../metrics/aggregate.js';
import { formatMs } from '../../units.js';
import type { SectionTable } from './section-table.js';

export const FAULT_WINDOWS_HEADER = [
  'Fault',
  'Window',
  'Requests',
  'Failed',
  'Failover time',
  'Disruption',
  'Recovery time',
];

/** One row per fault window (failed counts dropped requests too); undefined for a run without faults. */
export function faultWindowsTable(a: Aggregates): SectionTable | undefined {
  if (a.windows.length === 0) return undefined;
  const rows = a.windows.map((w) => [
    `${w.type} on ${w.provider}`,
    `${(w.startMs / 1000).toFixed(2)}–${(w.endMs / 1000).toFixed(2)} s`,
    String(w.requests),
    String(w.failed + w.dropped),
    w.onPrimary ? optionalMs(w.failoverMs, 'none') : 'n/a',
    optionalMs(w.disruptionMs, 'not within the run'),
    w.servedNothingBefore ? 'n/a (served nothing before)' : optionalMs(w.recoveryMs, 'not within the run'),
  ]);
  return { id: 'fault-windows', title: 'Fault windows', header: [...FAULT_WINDOWS_HEADER], rows };
}

function optionalMs(ms: number | undefined, missing: string): string {
  return ms === undefined ? missing : formatMs(ms);
}
