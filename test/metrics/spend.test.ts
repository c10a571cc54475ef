/** Spend: one record priced as the report prices it, in whole nano-dollars; a tally against a limit; shared across threads. */
import { describe, expect, it } from 'vitest';
import { costOf, servingModel, type PriceBook } from '../../src/metrics/cost.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { dollars, recordSpend, SpendMeter, type SpendPricing } from '../../src/metrics/spend.js';
import { createSharedSpendLimit, sharedSpendHooks } from '../../src/load/shared-spend-limit.js';

const book: PriceBook = {
  name: 'b',
  kind: 'direct',
  models: { 'gpt-4.1-mini': { input: 0.4, output: 1.6 }, 'served-model': { input: 3, output: 15 } },
};
const pricing: SpendPricing = { book, providerModels: { primary: 'served-model', unlisted: 'mystery-1' } };

function record(fields: Partial<RequestRecord>): RequestRecord {
  return { seq: 0, intendedMs: 0, sentMs: 0, endMs: 1, outcome: 'ok', model: 'gpt-4.1-mini', ...fields };
}

describe('recordSpend', () => {
  it.each<[string, Partial<RequestRecord>, ReturnType<typeof recordSpend>]>([
    ['a failure costs nothing', { outcome: 'failed', usage: { prompt: 10, completion: 10 } }, { kind: 'none' }],
    ['a drop costs nothing', { outcome: 'dropped' }, { kind: 'none' }],
    // 1000 x 0.4 + 500 x 1.6 = 1200 USD per 1M -> $0.0012 = 1,200,000 nUSD
    [
      'the requested model without a provider',
      { usage: { prompt: 1000, completion: 500 } },
      { kind: 'priced', nanoUsd: 1_200_000 },
    ],
    // a failover is billed at the serving provider's model: 1000 x 3 + 500 x 15 = 10500 -> 10,500,000 nUSD
    [
      'the serving provider’s model',
      { provider: 'primary', usage: { prompt: 1000, completion: 500 } },
      { kind: 'priced', nanoUsd: 10_500_000 },
    ],
    ['no usage', { provider: 'primary' }, { kind: 'unpriced', reason: 'no usage reported' }],
    [
      'no price',
      { provider: 'unlisted', usage: { prompt: 1, completion: 1 } },
      { kind: 'unpriced', reason: 'no price for mystery-1' },
    ],
  ])('%s', (_, fields, expected) => {
    expect(recordSpend(record(fields), pricing)).toEqual(expected);
  });

  it('sums to the report’s cost of the same records', () => {
    const records = Array.from({ length: 50 }, (_, i) =>
      record({ seq: i, provider: i % 3 === 0 ? 'primary' : undefined, usage: { prompt: 7 + i, completion: 13 * i } }),
    );
    const meter = new SpendMeter(pricing, 100);
    records.forEach((r) => meter.add(r));
    const report = costOf(records, book, servingModel(pricing.providerModels));
    expect(meter.spentUsd).toBeCloseTo(report.totalUsd, 12);
  });
});

describe('SpendMeter', () => {
  it('reaches its limit on the record that makes spend equal to it, and counts what it cannot price', () => {
    const meter = new SpendMeter(pricing, 0.0036); // three records of $0.0012
    const priced = record({ usage: { prompt: 1000, completion: 500 } });
    meter.add(priced);
    meter.add(record({ provider: 'unlisted', usage: { prompt: 1, completion: 1 } }));
    meter.add(record({ outcome: 'failed' }));
    meter.add(priced);
    expect(meter.reached).toBe(false);
    meter.add(priced);
    expect(meter.reached).toBe(true);
    expect(meter.requests).toBe(5);
    expect(meter.unpriced).toBe(1);
    expect(meter.unpricedReasons).toEqual(['no price for mystery-1']);
    expect(meter.spentUsd).toBeCloseTo(0.0036, 12);
  });

  it('starts from what earlier configurations spent', () => {
    const meter = new SpendMeter(pricing, 0.0036, { spentNano: 2_400_000, requests: 7 });
    meter.add(record({ usage: { prompt: 1000, completion: 500 } }));
    expect(meter.reached).toBe(true);
    expect(meter.requests).toBe(8);
  });
});

describe('shared spend limit', () => {
  it('lets every holder of the counter see every other holder’s spend', () => {
    const limit = createSharedSpendLimit(pricing, 3_600_000, 1_200_000);
    const a = sharedSpendHooks(limit);
    const b = sharedSpendHooks(structuredClone(limit)); // as a worker thread receives it
    expect(a.mayContinue() && b.mayContinue()).toBe(true);
    a.meter(record({ usage: { prompt: 1000, completion: 500 } }));
    b.meter(record({ outcome: 'failed', usage: { prompt: 1000, completion: 500 } }));
    expect(b.mayContinue()).toBe(true);
    b.meter(record({ usage: { prompt: 1000, completion: 500 } }));
    expect(a.mayContinue()).toBe(false);
    expect(b.mayContinue()).toBe(false);
  });
});

describe('dollars', () => {
  it.each([
    [5, '$5.00'],
    [5.0012, '$5.0012'],
    [0.015, '$0.015'],
    [0.25, '$0.25'],
    [0.005, '$0.005'],
    [0.000125, '$0.000125'],
    [12.5, '$12.50'],
  ])('%s -> %s', (usd, text) => {
    expect(dollars(usd)).toBe(text);
  });
});
