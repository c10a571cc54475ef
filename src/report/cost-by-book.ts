/**
 * The same measured traffic priced in every price book the run carries, per variant: what the
 * cost chart and the cost tables read. Pure.
 */
import type { RunResult } from './result.js';

export interface CostByBook {
  /** The variant's name, or the scenario's name for a single run. */
  variant: string;
  book: string;
  /** USD per 1,000 priced successful requests. */
  usdPer1k: number;
  /** USD in total for the run's priced successes. */
  totalUsd: number;
}

export function costByBook(result: RunResult): CostByBook[] {
  void result;
  return [];
}
