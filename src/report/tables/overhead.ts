/**
 * Scenario | Direct API latency | Relay latency | Overhead | Uptime: each relay configuration
 * against the `direct` configuration of the same run (same seed, load and faults), at p50, p95
 * and p99. When either side failed more than 1% of its requests the overhead is flagged, not
 * subtracted: a failing direct API's timeouts once read as "−3.85 s (−97.6%)" of overhead.
 */
import { configurationsOf } from '../configurations.js';
import { micros, signedMs } from '../format.js';
import { percent } from '../../units.js';
import { method, sameLoadAndFaults } from '../method.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

const PERCENTILES = [
  ['p50', 'p50Us'],
  ['p95', 'p95Us'],
  ['p99', 'p99Us'],
] as const;

/** Below this success rate a side's latency is its failures' as much as its answers'. */
const COMPARABLE_SUCCESS = 0.99;

/** Why the two sides' latencies cannot be subtracted, or undefined when they can. */
function incomparable(direct: number, relay: number): string | undefined {
  const failing = [
    ...(direct < COMPARABLE_SUCCESS ? [`direct failed ${percent(1 - direct)}`] : []),
    ...(relay < COMPARABLE_SUCCESS ? [`relay failed ${percent(1 - relay)}`] : []),
  ];
  return failing.length === 0 ? undefined : `not comparable (${failing.join(', ')})`;
}

export function overheadTable(result: RunResult): ReportTable | undefined {
  const configurations = configurationsOf(result);
  const direct = configurations.find((c) => c.result.scenario.target.kind === 'direct');
  const relays = configurations.filter((c) => c.result.scenario.target.kind !== 'direct');
  if (direct === undefined || relays.length === 0) return undefined;
  const d = direct.result.aggregates;
  const rows = relays.flatMap(({ name, result: run }) => {
    const r = run.aggregates;
    const unlike = sameLoadAndFaults(direct.result, run)
      ? incomparable(d.successRate, r.successRate)
      : 'not comparable (different load or faults)';
    return PERCENTILES.map(([label, key]) => {
      const overheadMs = (r.latency[key] - d.latency[key]) / 1000;
      const cells = [`${name}, ${label}`, micros(d.latency[key]), micros(r.latency[key])];
      const uptime = `${percent(r.successRate)} (direct ${percent(d.successRate)})`;
      if (unlike !== undefined) return [...cells, unlike, uptime];
      const relative =
        d.latency[key] > 0
          ? ` (${overheadMs < 0 ? '−' : '+'}${(Math.abs(overheadMs * 1000 * 100) / d.latency[key]).toFixed(1)}%)`
          : '';
      return [...cells, `${signedMs(overheadMs)}${relative}`, uptime];
    });
  });
  return {
    id: 'overhead',
    title: 'Direct vs relay',
    header: ['Scenario', 'Direct API latency', 'Relay latency', 'Overhead', 'Uptime'],
    rows,
    method: `${method(result)}. Overhead = relay latency − direct latency ('${direct.name}') at the same percentile, from configurations run in turn in one session; latency from each request's intended start, failures included; not given when either side failed more than ${percent(1 - COMPARABLE_SUCCESS)} of its requests (fast errors or timeouts would be read as speed); uptime = successes / scheduled.`,
  };
}
