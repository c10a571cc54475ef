/** Configuration | Price Book | Cost of the Run | $/Request | $/1K Requests | Monthly: the same traffic in every book. */
import { costByBook } from '../cost-by-book.js';
import { money, usd } from '../format.js';
import { method } from '../method.js';
import { monthlyVolume } from '../projection.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

export function costByBookTable(result: RunResult): ReportTable | undefined {
  const entries = costByBook(result);
  const pricing = result.pricing;
  if (entries.length === 0 || pricing === undefined) return undefined;
  const volume = monthlyVolume(pricing);
  const volumeText = volume.text;
  const rows = entries.map((e) => [
    e.variant,
    e.book,
    usd(e.totalUsd),
    usd(e.usdPer1k / 1000),
    usd(e.usdPer1k),
    e.monthlyUsd === undefined ? '—' : money(e.monthlyUsd),
    e.cost.unpriced === 0
      ? '0'
      : `${e.cost.unpriced}${e.cost.unpricedModels.length > 0 ? ` (no price for ${e.cost.unpricedModels.join(', ')})` : ''}`,
  ]);
  return {
    id: 'cost-by-book',
    title: 'Cost by price book',
    header: [
      'Configuration',
      'Price Book',
      'Cost of the Run',
      '$/Request',
      '$/1K Requests',
      `Monthly (${volumeText})`,
      'Unpriced Successes',
    ],
    rows,
    method: `${method(result)}. Cost = Σ over successes of input and output tokens × the serving model's price in the book; $/request = cost / priced successes; $/1K requests = that × 1000; monthly = cost × (${volumeText}) / the run's ${pricing.monthlyRequests !== undefined ? 'metered successes' : 'metered tokens'}.`,
  };
}
