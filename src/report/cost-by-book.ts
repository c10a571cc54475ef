/**
 * The same measured traffic priced in every price book the run carries, per configuration: what
 * the cost chart and the cost tables read. Pure.
 */
import { priceUsage, type CostSummary } from '../metrics/cost.js';
import { configurationsOf } from './configurations.js';
import { monthlyCost, monthlyVolume } from './projection.js';
import type { RunResult } from '../scenario/result/result.js';

export interface CostByBook {
  /** The variant's name, or the scenario's name for a single run. */
  variant: string;
  book: string;
  /** USD per 1,000 priced successful requests. */
  usdPer1k: number;
  /** USD in total for the run's priced successes. */
  totalUsd: number;
  /** Projected at the result's monthly volume; undefined when it cannot be. */
  monthlyUsd: number | undefined;
  cost: CostSummary;
}

/** One entry per configuration and book in which at least one success could be priced. */
export function costByBook(result: RunResult): CostByBook[] {
  const pricing = result.pricing;
  if (pricing === undefined) return [];
  const volume = monthlyVolume(pricing);
  const rows: CostByBook[] = [];
  for (const { name, result: run } of configurationsOf(result)) {
    const usage = run.aggregates.usage;
    if (usage === undefined) continue;
    for (const book of pricing.books) {
      const cost = priceUsage(usage, book);
      if (cost.per1k === undefined) continue;
      rows.push({
        variant: name,
        book: book.name,
        usdPer1k: cost.per1k,
        totalUsd: cost.totalUsd,
        monthlyUsd: monthlyCost(cost, usage, volume),
        cost,
      });
    }
  }
  return rows;
}
