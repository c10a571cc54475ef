/**
 * Model Chain | Avg | P95 | P99 | Failover Overhead: for every chain of two or more models, the
 * latency of successes the primary served at once vs those that needed a failover.
 */
import { configurationsOf } from '../configurations.js';
import { micros, signedMs } from '../format.js';
import { method } from '../method.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';
import { chainModels } from './chain.js';

export function modelChainTable(result: RunResult): ReportTable | undefined {
  const chains = configurationsOf(result).filter(
    (c) => c.result.scenario.target.chain.length > 1 && c.result.scenario.target.kind !== 'direct',
  );
  if (chains.length === 0) return undefined;
  const rows = chains.flatMap(({ name, result: run }) => {
    const label = `${name}: ${chainModels(run).join(' → ')}`;
    const { direct, fallback } = run.aggregates.failoverPenalty;
    const healthy =
      direct.count === 0
        ? [`${label}, primary healthy`, '—', '—', '—', 'no request served at the first attempt']
        : [`${label}, primary healthy`, micros(direct.meanUs), micros(direct.p95Us), micros(direct.p99Us), '—'];
    const failover =
      fallback.count === 0
        ? [`${label}, failover triggered`, '—', '—', '—', 'no failover in this run']
        : [
            `${label}, failover triggered`,
            micros(fallback.meanUs),
            micros(fallback.p95Us),
            micros(fallback.p99Us),
            direct.count === 0
              ? 'n/a'
              : `${signedMs((fallback.meanUs - direct.meanUs) / 1000)} avg (${fallback.count} requests)`,
          ];
    return [healthy, failover];
  });
  return {
    id: 'model-chain',
    title: 'Model chains',
    header: ['Model Chain', 'Avg', 'P95', 'P99', 'Failover Overhead'],
    rows,
    method: `${method(result)}. Successes only; "primary healthy" = served by the primary at the first attempt, "failover triggered" = needed more than one attempt or was served by another provider; failover overhead = mean latency of the second group − mean of the first; latency from each request's intended start.`,
  };
}
