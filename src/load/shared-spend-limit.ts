/**
 * A spend limit that generator threads enforce together: one counter of nano-dollars in shared
 * memory, to which each thread adds what its records cost (priced as metrics/spend.ts prices
 * them) and which each thread reads before sending an arrival. So with `load.workers` the load
 * stops within the requests in flight, as it does in one thread, not a record batch later.
 */
import type { RequestRecord } from '../metrics/record.js';
import { recordSpend, type SpendPricing } from '../metrics/spend.js';

/** Plain data plus a SharedArrayBuffer: passes to worker threads as `workerData`. */
export interface SharedSpendLimit {
  pricing: SpendPricing;
  limitNano: number;
  /** One BigInt64: nano-dollars spent so far by every thread (and earlier configurations). */
  counter: SharedArrayBuffer;
}

export function createSharedSpendLimit(pricing: SpendPricing, limitNano: number, spentNano: number): SharedSpendLimit {
  const counter = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
  Atomics.store(new BigInt64Array(counter), 0, BigInt(spentNano));
  return { pricing, limitNano, counter };
}

/** One thread's side: `meter` each record it completes, ask `mayContinue` before sending. */
export function sharedSpendHooks(limit: SharedSpendLimit): {
  meter(record: RequestRecord): void;
  mayContinue(): boolean;
} {
  const counter = new BigInt64Array(limit.counter);
  const limitNano = BigInt(limit.limitNano);
  return {
    meter: (record) => {
      const spend = recordSpend(record, limit.pricing);
      if (spend.kind === 'priced') Atomics.add(counter, 0, BigInt(spend.nanoUsd));
    },
    mayContinue: () => Atomics.load(counter, 0) < limitNano,
  };
}
