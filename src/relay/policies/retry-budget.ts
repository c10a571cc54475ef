/**
 * A budget for extra attempts (retries, hedges), so a total outage cannot multiply load: over any
 * `windowMs`, extras <= `ratio` x requests + `minPerSecond` x window seconds (Finagle's
 * RetryBudget). Requests deposit, extras withdraw; counts live in a ring of time buckets, so old
 * deposits expire and memory is fixed.
 */

export interface RetryBudgetOptions {
  /** Extras allowed per request, e.g. 0.2: at most 20% more attempts than requests. */
  readonly ratio: number;
  /** A floor so a quiet relay can still retry now and then. */
  readonly minPerSecond: number;
  readonly windowMs: number;
}

export const retryBudgetDefaults: RetryBudgetOptions = Object.freeze({ ratio: 0.2, minPerSecond: 1, windowMs: 10_000 });

const BUCKETS = 10;

export class RetryBudget {
  private readonly bucketMs: number;
  private readonly reserve: number;
  private readonly stamps = new Float64Array(BUCKETS).fill(-1);
  private readonly deposits = new Float64Array(BUCKETS);
  private readonly withdrawals = new Float64Array(BUCKETS);

  constructor(
    private readonly options: RetryBudgetOptions,
    private readonly now: () => number,
  ) {
    validateRetryBudgetOptions(options);
    this.bucketMs = options.windowMs / BUCKETS;
    this.reserve = (options.minPerSecond * options.windowMs) / 1000;
  }

  /** Counts one request (call once per request, not per attempt). */
  deposit(now = this.now()): void {
    this.deposits[this.slot(now)]! += 1;
  }

  /** Takes one extra attempt from the budget; false (and nothing taken) when it is spent. */
  tryWithdraw(now = this.now()): boolean {
    if (this.balance(now) < 1) return false;
    this.withdrawals[this.slot(now)]! += 1;
    return true;
  }

  /** Extras available now. */
  balance(now = this.now()): number {
    const newest = Math.floor(now / this.bucketMs);
    let deposits = 0;
    let withdrawals = 0;
    for (let slot = 0; slot < BUCKETS; slot++) {
      const stamp = this.stamps[slot]!;
      if (stamp > newest - BUCKETS && stamp <= newest) {
        deposits += this.deposits[slot]!;
        withdrawals += this.withdrawals[slot]!;
      }
    }
    return this.reserve + this.options.ratio * deposits - withdrawals;
  }

  private slot(now: number): number {
    const bucket = Math.floor(now / this.bucketMs);
    const slot = bucket % BUCKETS;
    if (this.stamps[slot] !== bucket) {
      this.stamps[slot] = bucket;
      this.deposits[slot] = 0;
      this.withdrawals[slot] = 0;
    }
    return slot;
  }
}

/** @throws RangeError naming the field and value. */
export function validateRetryBudgetOptions(options: RetryBudgetOptions): void {
  if (!(options.ratio >= 0 && Number.isFinite(options.ratio))) {
    throw new RangeError(`budget.ratio: expected a number >= 0, got ${String(options.ratio)}`);
  }
  if (!(options.minPerSecond >= 0 && Number.isFinite(options.minPerSecond))) {
    throw new RangeError(`budget.minPerSecond: expected a number >= 0, got ${String(options.minPerSecond)}`);
  }
  if (!(options.windowMs > 0 && Number.isFinite(options.windowMs))) {
    throw new RangeError(`budget.windowMs: expected a number > 0, got ${String(options.windowMs)}`);
  }
}
