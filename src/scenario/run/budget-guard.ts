/**
 * The spend guard of one configuration: meters each completed record against the run's budget
 * (metrics/spend.ts) and says, once, when the budget is reached and the load must stop. A variants
 * run shares one budget: each configuration's guard starts from what the earlier ones spent.
 */
import { dollars, NANO_PER_USD, SpendMeter, type CarriedSpend, type SpendPricing } from '../../metrics/spend.js';

export type { CarriedSpend } from '../../metrics/spend.js';
import { priceFor, type PriceBook } from '../../metrics/cost.js';
import { calledProviders } from '../fixture/start-target.js';
import type { Scenario } from '../schema/scenario.js';
import type { RequestRecord } from '../../metrics/record.js';
import { createSharedSpendLimit, type SharedSpendLimit } from '../../load/shared-spend-limit.js';

/** The budget as result.json reports it. */
export interface BudgetResult {
  /** The budget, US dollars, for the whole run. */
  usd: number;
  /** Metered spend, US dollars: this configuration's and every earlier one's. */
  spentUsd: number;
  /** The price book spend is metered in (the run's first book). */
  book: string;
  /** Whether spend reached the budget, so the load was stopped. */
  reached: boolean;
  /** Records metered (every outcome), this configuration's and every earlier one's. */
  requests: number;
  /** Successes that could not be priced (this configuration's and every earlier one's): not counted toward the budget. */
  unpriced: number;
  /** Why (`no usage reported`, `no price for <model>`). */
  unpricedReasons?: string[];
  /** A variants run: the configurations not run because the budget was reached. */
  skippedVariants?: string[];
}

export class BudgetGuard {
  readonly meter: SpendMeter;
  private stopReason: string | undefined;

  /**
   * @param warn told, once per reason, when a success cannot be priced (so it is never silently free)
   */
  constructor(
    readonly usd: number,
    readonly pricing: SpendPricing,
    carried?: CarriedSpend,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.meter = new SpendMeter(pricing, usd, carried);
  }

  /**
   * Lines to print before the run: what the guard cannot see. Models of the providers this
   * configuration calls that the book has no price for, and the warmup (never recorded, so never
   * metered, as it is not in the report's cost either).
   */
  warnings(scenario: Pick<Scenario, 'target' | 'load'>): string[] {
    const models = calledProviders(scenario).map((name) => this.pricing.providerModels[name]);
    const missing = [...new Set(models)].filter(
      (m): m is string => m !== undefined && priceFor(this.pricing.book, m) === undefined,
    );
    const warmup = scenario.load.warmup;
    return [
      ...(missing.length === 0
        ? []
        : [
            `budget: book '${this.pricing.book.name}' has no price for ${missing.join(', ')}: their requests are counted as unpriced, not toward the budget`,
          ]),
      ...(warmup > 0
        ? [`budget: the ${warmup / 1000}s warmup is not metered: its requests are paid outside the budget`]
        : []),
    ];
  }

  /**
   * Meters a completed record. Returns the stop line the first time the budget is reached,
   * e.g. `budget: spent $5.0012 of $5.00 after 1,234 requests: load stopped`; undefined otherwise.
   */
  observe(record: RequestRecord): string | undefined {
    const known = this.meter.unpricedReasons.length;
    const spend = this.meter.add(record);
    if (spend.kind === 'unpriced' && this.meter.unpricedReasons.length > known)
      this.warn(
        `budget: a success could not be priced (${spend.reason}): not counted toward the budget (result.json counts these under budget.unpriced)`,
      );
    if (this.stopReason !== undefined || !this.meter.reached) return undefined;
    const requests = this.meter.requests.toLocaleString('en-US');
    this.stopReason = `budget: spent ${dollars(this.meter.spentUsd)} of ${dollars(this.usd)} after ${requests} requests: load stopped`;
    return this.stopReason;
  }

  get reached(): boolean {
    return this.meter.reached;
  }

  /** The limit as worker threads enforce it, starting from what is spent now. */
  sharedLimit(): SharedSpendLimit {
    return createSharedSpendLimit(this.pricing, this.meter.limitNano, this.meter.spentNano);
  }

  /** What result.json says about the budget after this configuration. */
  result(): BudgetResult {
    const m = this.meter;
    return {
      usd: this.usd,
      spentUsd: m.spentUsd,
      book: this.pricing.book.name,
      reached: m.reached,
      requests: m.requests,
      unpriced: m.unpriced,
      ...(m.unpricedReasons.length > 0 ? { unpricedReasons: [...m.unpricedReasons] } : {}),
    };
  }
}

/**
 * The guard of a scenario with a `budget:`, metering in `book` (the run's first); undefined without one.
 * @throws Error when there is a budget but no book to price spend in.
 */
export function budgetGuardFor(
  scenario: Pick<Scenario, 'budget' | 'providers'>,
  book: PriceBook | undefined,
  carried?: CarriedSpend,
  warn?: (message: string) => void,
): BudgetGuard | undefined {
  if (scenario.budget === undefined) return undefined;
  if (book === undefined) throw new Error('budget: no price book to meter spend in');
  const providerModels = Object.fromEntries(scenario.providers.map((p) => [p.name, p.model]));
  return new BudgetGuard(scenario.budget.usd, { book, providerModels }, carried, warn);
}

/** What a later configuration of the same run starts from. */
export function carriedFrom(budget: BudgetResult | undefined): CarriedSpend | undefined {
  return (
    budget && {
      spentNano: Math.round(budget.spentUsd * NANO_PER_USD),
      requests: budget.requests,
      unpriced: budget.unpriced,
      unpricedReasons: budget.unpricedReasons ?? [],
    }
  );
}
