/**
 * Scenario | Direct API latency | Relay latency | Overhead | Uptime: each relay configuration
 * against the `direct` configuration of the same run (same seed, load and faults), at p50, p95
 * and p99.
 */
import { configurationsOf } from '../configurations.js';
import { micros, signedMs } from '../format.js';
import { percent } from '../../units.js';
import { method } from '../method.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

const PERCENTILES = [
  ['p50', 'p50Us'],
  ['p95', 'p95Us'],
  ['p99', 'p99Us'],
] as const;

export function overheadTable(result: RunResult): ReportTable | undefined {
  const configurations = configurationsOf(result);
  const direct = configurations.find((c) => c.result.scenario.target.kind === 'direct');
  const relays = configurations.filter((c) => c.result.scenario.target.kind !== 'direct');
  if (direct === undefined || relays.length === 0) return undefined;
  const d = direct.result.aggregates;
  const rows = relays.flatMap(({ name, result: run }) => {
    const r = run.aggregates;
    return PERCENTILES.map(([label, key]) => {
      const overheadMs = (r.latency[key] - d.latency[key]) / 1000;
      const relative =
        d.latency[key] > 0
          ? ` (${overheadMs < 0 ? '−' : '+'}${(Math.abs(overheadMs * 1000 * 100) / d.latency[key]).toFixed(1)}%)`
          : '';
      return [
        `${name}, ${label}`,
        micros(d.latency[key]),
        micros(r.latency[key]),
        `${signedMs(overheadMs)}${relative}`,
        `${percent(r.successRate)} (direct ${percent(d.successRate)})`,
      ];
    });
  });
  return {
    id: 'overhead',
    title: 'Direct vs relay',
    header: ['Scenario', 'Direct API latency', 'Relay latency', 'Overhead', 'Uptime'],
    rows,
    method: `${method(result)}. Overhead = relay latency − direct latency ('${direct.name}') at the same percentile, from configurations run in turn in one session; latency from each request's intended start, failures included; uptime = successes / scheduled.`,
  };
}
