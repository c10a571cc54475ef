/**
 * Per-key spend in USD over a UTC day, a UTC month or forever. `check` before serving, `charge`
 * after (with the cost of what was served). Requests in flight when the budget runs out are
 * still charged, so spend can overshoot by what those cost; that is the price of not reserving.
 */
import type { ClientKey } from './auth.js';

export type BudgetDecision =
  | { readonly kind: 'ok' }
  /** 429; `retryAfterS`: seconds until the period resets (`undefined` for a `total` budget). */
  | {
      readonly kind: 'reject';
      readonly retryAfterS: number | undefined;
      readonly spentUsd: number;
      readonly budgetUsd: number;
    }
  /** Serve from this alias instead. */
  | { readonly kind: 'downgrade'; readonly to: string };

/** Shared, so the common answer allocates nothing. */
export const BUDGET_OK: BudgetDecision = Object.freeze({ kind: 'ok' });

interface Account {
  periodStart: number;
  spentUsd: number;
}

export class BudgetLedger {
  private readonly accounts = new Map<string, Account>();

  /** @param now wall clock in epoch ms (periods are UTC calendar days/months). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Whether `client` may be served now, and how. */
  check(client: ClientKey): BudgetDecision {
    const budget = client.budgetUsd;
    if (budget === undefined) return BUDGET_OK;
    const spent = this.account(client).spentUsd;
    if (spent < budget) return BUDGET_OK;
    if (client.onBudgetExhausted === 'downgrade' && client.downgradeTo !== undefined) {
      return { kind: 'downgrade', to: client.downgradeTo };
    }
    return { kind: 'reject', retryAfterS: this.secondsToReset(client), spentUsd: spent, budgetUsd: budget };
  }

  /** Adds `usd` (>= 0, finite) to the client's spend in the current period. */
  charge(client: ClientKey, usd: number): void {
    if (!(usd > 0) || !Number.isFinite(usd)) return;
    this.account(client).spentUsd += usd;
  }

  /**
   * Sets the client's spend in the current period to `totalUsd` if that is more (what the fleet
   * spent, from shared state); never lowers it. The period is the one starting at `periodStartMs`.
   */
  raise(client: ClientKey, totalUsd: number, periodStartMs = this.periodStartOf(client)): void {
    const account = this.account(client);
    if (account.periodStart === periodStartMs && totalUsd > account.spentUsd) account.spentUsd = totalUsd;
  }

  /** Start of the client's current budget period (epoch ms; 0 for `total`). */
  periodStartOf(client: ClientKey): number {
    return periodStart(client.budgetPeriod, this.now());
  }

  /** End of the client's current budget period (epoch ms), `undefined` for `total`. */
  periodEndOf(client: ClientKey): number | undefined {
    return periodEnd(client.budgetPeriod, this.now());
  }

  /** Spend in the current period. */
  spentUsd(client: ClientKey): number {
    return this.account(client).spentUsd;
  }

  private account(client: ClientKey): Account {
    const start = periodStart(client.budgetPeriod, this.now());
    let account = this.accounts.get(client.id);
    if (account === undefined) {
      account = { periodStart: start, spentUsd: 0 };
      this.accounts.set(client.id, account);
    } else if (account.periodStart !== start) {
      account.periodStart = start;
      account.spentUsd = 0;
    }
    return account;
  }

  private secondsToReset(client: ClientKey): number | undefined {
    const now = this.now();
    const end = periodEnd(client.budgetPeriod, now);
    return end === undefined ? undefined : Math.max(1, Math.ceil((end - now) / 1000));
  }
}

function periodStart(period: ClientKey['budgetPeriod'], now: number): number {
  const date = new Date(now);
  switch (period) {
    case 'day':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    case 'total':
      return 0;
    default: {
      const unreachable: never = period;
      return unreachable;
    }
  }
}

function periodEnd(period: ClientKey['budgetPeriod'], now: number): number | undefined {
  const date = new Date(now);
  switch (period) {
    case 'day':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    case 'total':
      return undefined;
    default: {
      const unreachable: never = period;
      return unreachable;
    }
  }
}
