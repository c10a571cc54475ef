/** Outcomes by provider: how many each served and failed, its latency and (for streams) TTFT. */
import type { Aggregates } from '../../metrics/aggregate.js';
import { micros } from '../format.js';
import type { SectionTable } from './section-table.js';

/** One row per serving provider; undefined when no provider was attributed. */
export function byProviderTable(a: Aggregates): SectionTable | undefined {
  const providers = Object.entries(a.providers ?? {});
  if (providers.length === 0) return undefined;
  const withTtft = providers.some(([, p]) => p.ttft !== undefined);
  const header = ['Provider', 'Served', 'Failed', 'Latency p50', 'Latency p99', ...(withTtft ? ['TTFT p50'] : [])];
  const rows = providers.map(([name, p]) => [
    name,
    String(p.ok),
    String(p.failed),
    micros(p.latency.p50Us),
    micros(p.latency.p99Us),
    ...(withTtft ? [p.ttft ? micros(p.ttft.p50Us) : '—'] : []),
  ]);
  return { id: 'by-provider', title: 'By provider', header, rows };
}
