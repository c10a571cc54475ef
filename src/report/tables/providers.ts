/**
 * Provider | Monthly Cost (500M tokens) | P99 Latency | Uptime | Model Coverage: one row per
 * configuration, the monthly cost projected from the run's own served traffic in the first
 * direct-price book.
 */
import { priceUsage } from '../../metrics/cost.js';
import { configurationsOf } from '../configurations.js';
import { micros, money } from '../format.js';
import { percent } from '../../units.js';
import { method } from '../method.js';
import { monthlyCost, monthlyVolume } from '../projection.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';
import { chainModels } from './chain.js';

export function providersTable(result: RunResult): ReportTable | undefined {
  const pricing = result.pricing;
  const book = pricing?.books.find((b) => b.kind === 'direct') ?? pricing?.books[0];
  if (pricing === undefined || book === undefined) return undefined;
  const volume = monthlyVolume(pricing);
  const volumeText = volume.text;
  const rows = configurationsOf(result).map(({ name, result: run }) => {
    const a = run.aggregates;
    const cost = a.usage ? priceUsage(a.usage, book) : undefined;
    const monthly = cost && a.usage ? monthlyCost(cost, a.usage, volume) : undefined;
    const unpriced = cost && cost.unpricedModels.length > 0 ? ` (no price for ${cost.unpricedModels.join(', ')})` : '';
    const models = [...new Set(chainModels(run))];
    return [
      name,
      monthly === undefined ? 'not priced' : `${money(monthly)}${unpriced}`,
      micros(a.latency.p99Us),
      percent(a.successRate),
      `${models.length} (${models.join(', ')})`,
    ];
  });
  return {
    id: 'providers',
    title: 'Providers',
    header: ['Provider', `Monthly Cost (${volumeText})`, 'P99 Latency', 'Uptime', 'Model Coverage'],
    rows,
    method: `${method(result)}. Monthly cost = the run's cost of its successes in ${book.name} prices, as served (a failover to a dearer model costs more), × ${volumeText} / the ${pricing.monthlyRequests !== undefined ? 'metered successes' : 'tokens they used'}; uptime = successes / scheduled; model coverage = the distinct models the configuration can serve.`,
  };
}
