/**
 * Spend: the run's metered cost as records complete, for the spend guard (`budget:`). One record
 * is priced exactly as the report prices it (cost.ts: successes only, tokens x the serving model's
 * price in a book), but in whole nano-dollars, so that tallies kept in different threads and in
 * different orders agree to the last unit. Pure.
 */
import { priceFor, type PriceBook } from './cost.js';
import type { RequestRecord } from './record.js';

/** Nano-dollars per US dollar: integer sums stay exact far beyond any budget (2^53 nUSD ≈ $9M). */
export const NANO_PER_USD = 1e9;

/** What a spend tally needs: the book and each provider's model (failed-over requests bill at the server's model). */
export interface SpendPricing {
  book: PriceBook;
  providerModels: Readonly<Record<string, string>>;
}

/** One record's spend: nothing (not a success), a price, or a success that cannot be priced. */
export type RecordSpend =
  | { kind: 'none' }
  | { kind: 'priced'; nanoUsd: number }
  | { kind: 'unpriced'; reason: 'no usage reported' | `no price for ${string}` };

/** What `record` costs in `pricing`'s book; a success whose usage or price is unknown is `unpriced`, never free. */
export function recordSpend(record: RequestRecord, pricing: SpendPricing): RecordSpend {
  if (record.outcome !== 'ok') return { kind: 'none' };
  const model = (record.provider !== undefined ? pricing.providerModels[record.provider] : undefined) ?? record.model;
  if (!record.usage) return { kind: 'unpriced', reason: 'no usage reported' };
  const price = model === undefined ? undefined : priceFor(pricing.book, model);
  if (!price) return { kind: 'unpriced', reason: `no price for ${model ?? 'an unknown model'}` };
  // Prices are USD per million tokens: usd = tokens * price / 1e6, so nUSD = tokens * price * 1e3.
  const nanoUsd = Math.round((record.usage.prompt * price.input + record.usage.completion * price.output) * 1000);
  return { kind: 'priced', nanoUsd };
}

/** Where a tally starts: what earlier configurations of the same run spent (zero for the first or only one). */
export interface CarriedSpend {
  spentNano: number;
  requests: number;
  unpriced?: number;
  unpricedReasons?: readonly string[];
}

/** A running tally of spend against a limit. */
export class SpendMeter {
  /** Nano-dollars spent so far (including any carried in from earlier configurations). */
  spentNano: number;
  /** Records seen so far (every outcome), including any carried in. */
  requests: number;
  /** Successes that could not be priced, and why (distinct reasons, in the order met). */
  unpriced = 0;
  readonly unpricedReasons: string[] = [];
  readonly limitNano: number;

  constructor(
    private readonly pricing: SpendPricing,
    limitUsd: number,
    carried: CarriedSpend = { spentNano: 0, requests: 0 },
  ) {
    this.limitNano = Math.round(limitUsd * NANO_PER_USD);
    this.spentNano = carried.spentNano;
    this.requests = carried.requests;
    this.unpriced = carried.unpriced ?? 0;
    this.unpricedReasons.push(...(carried.unpricedReasons ?? []));
  }

  /** Adds a completed record; returns its spend (the caller may report an unpriced one). */
  add(record: RequestRecord): RecordSpend {
    this.requests++;
    const spend = recordSpend(record, this.pricing);
    if (spend.kind === 'priced') this.spentNano += spend.nanoUsd;
    else if (spend.kind === 'unpriced') {
      this.unpriced++;
      if (!this.unpricedReasons.includes(spend.reason)) this.unpricedReasons.push(spend.reason);
    }
    return spend;
  }

  get reached(): boolean {
    return this.spentNano >= this.limitNano;
  }

  get spentUsd(): number {
    return this.spentNano / NANO_PER_USD;
  }
}

/** Dollars as the budget lines show them: `$5.00` for whole cents, `$5.0012` for spend, `$0.000125` below a cent. */
export function dollars(usd: number): string {
  if (Number.isInteger(Math.round(usd * 1e6) / 1e4)) return `$${usd.toFixed(2)}`;
  return usd >= 0.01 ? `$${usd.toFixed(4).replace(/0{1,2}$/, '')}` : `$${Number(usd.toPrecision(3))}`;
}
