/** The price of one completion: tokens x the serving model's price per million tokens. */
import type { PriceConfig } from '../config.js';
import type { NormalizedUsage } from '../contract.js';

const PER_MTOK = 1_000_000;

/**
 * USD for `usage` at `price`; 0 when either is unknown (an unpriced model costs nothing in the
 * ledger, so configure prices for every entry that budgets should count).
 */
export function costUsd(usage: NormalizedUsage | undefined, price: PriceConfig | undefined): number {
  if (usage === undefined || price === undefined) return 0;
  return (usage.promptTokens * price.inputPerMTok + usage.completionTokens * price.outputPerMTok) / PER_MTOK;
}
