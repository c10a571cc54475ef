import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import { costOf, parsePriceBook, priceFor, servingModel } from '../../src/metrics/cost.js';
import { failoverPenalty } from '../../src/metrics/failover-penalty.js';
import { RecentLatency } from '../../src/metrics/recent-latency.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { relayClockOffset, relayEventsOnLoadTime } from '../../src/metrics/relay-events.js';
import { buildSlices } from '../../src/metrics/slices.js';
import { evaluateGates, shouldAbort } from '../../src/scenario/gates/evaluate.js';
import { parseGateTable } from '../../src/scenario/gates/grammar.js';
import listPrices from '../../fixtures/prices/list-2026.json' with { type: 'json' };

/** 10 req/s for 10 s; primary down 4-6 s, the fallback serves (2 attempts, +30 ms); streams carry TTFT. */
function drill(): RequestRecord[] {
  return Array.from({ length: 100 }, (_, seq): RequestRecord => {
    const intendedMs = seq * 100;
    const inFault = intendedMs >= 4000 && intendedMs < 6000;
    const base = { seq, intendedMs, sentMs: intendedMs, usage: { prompt: 1000, completion: 500 } };
    if (seq === 40)
      return {
        seq,
        intendedMs,
        sentMs: intendedMs,
        endMs: intendedMs + 5,
        outcome: 'failed',
        failure: 'status_503',
        status: 503,
      };
    if (inFault)
      return {
        ...base,
        endMs: intendedMs + 50,
        outcome: 'ok',
        provider: 'fallback',
        attempts: 2,
        stream: true,
        firstTokenMs: intendedMs + 40,
      };
    return {
      ...base,
      endMs: intendedMs + 20,
      outcome: 'ok',
      provider: 'primary',
      attempts: 1,
      model: 'gpt-4.1-mini-2025-04-14',
    };
  });
}
const windows = [{ provider: 'primary', type: 'down', atMs: 4000, forMs: 2000, appliedMs: 4000, removedMs: 6000 }];
const book = parsePriceBook(
  { name: 'test', models: { 'gpt-4.1-mini': { input: 0.4, output: 1.6 }, 'claude-x': { input: 3, output: 15 } } },
  'test',
);
const a = aggregate({
  records: drill(),
  scheduled: 100,
  windows,
  primary: 'primary',
  durationMs: 10_000,
  prices: book,
  providerModels: { primary: 'gpt-4.1-mini', fallback: 'claude-x' },
});

describe('aggregate: histograms per phase and provider', () => {
  it('keeps latency, service and TTFT per phase and provider, encoded', () => {
    expect(a.phaseTimings.fault.latency.count).toBe(20);
    expect(a.phaseTimings.fault.latency.p50Us).toBeCloseTo(50_000, -2); // HDR: 3 significant digits
    expect(a.phaseTimings.baseline.latency.count).toBe(40);
    expect(a.phaseTimings.baseline.latency.p99Us).toBeCloseTo(20_000, -2);
    expect(a.phaseTimings.baseline.ttft).toBeUndefined();
    expect(a.phaseTimings.fault.ttft?.count).toBe(19);
    expect(a.phaseTimings.fault.ttft?.p50Us).toBeCloseTo(40_000, -2);
    expect(a.ttft?.count).toBe(19);
    expect(a.providers.fallback).toMatchObject({ requests: 19, ok: 19, failed: 0 });
    expect(a.providers.primary!.latency.p99Us).toBeCloseTo(20_000, -2);
    expect(a.providers.primary!.latencyHistogram.length).toBeGreaterThan(10);
    expect(a.serviceHistogram.length).toBeGreaterThan(10);
  });

  it('builds 1 s and 250 ms slices with p50/p99', () => {
    expect(a.slices).toHaveLength(10);
    expect(a.fineSlices).toHaveLength(40);
    expect(a.slices[4]).toMatchObject({ offered: 10, ok: 9, failed: 1, p99Us: 50_000, servedBy: { fallback: 9 } });
    expect(a.slices[0]).toMatchObject({ p50Us: 20_000, p99Us: 20_000 });
  });

  it('measures the failover latency penalty over successes', () => {
    expect(a.failoverPenalty.fallback.count).toBe(19);
    expect(a.failoverPenalty.direct.count).toBe(80);
    expect(a.failoverPenalty.fallback.p50Us).toBeCloseTo(50_000, -2);
    expect(a.failoverPenalty.p50DeltaUs).toBeCloseTo(30_000, -2);
    expect(failoverPenalty([], 'primary').p99DeltaUs).toBeUndefined();
  });

  it('prices every success at the serving model', () => {
    // primary: 80 x (1000 x 0.4 + 500 x 1.6) / 1e6 = 80 x 0.0012; fallback: 19 x (1000 x 3 + 500 x 15) / 1e6 = 19 x 0.0105
    expect(a.costUsd).toBeCloseTo(80 * 0.0012 + 19 * 0.0105, 9);
    expect(a.costPer1k).toBeCloseTo(((80 * 0.0012 + 19 * 0.0105) / 99) * 1000, 9);
    expect(a.cost).toMatchObject({ priced: 99, unpriced: 0 });
  });

  it('has a place for the relay events', () => {
    expect(a.relayEvents).toEqual([]);
  });
});

describe('cost', () => {
  it('finds dated snapshots by prefix, never a shorter unrelated name', () => {
    expect(priceFor(book, 'gpt-4.1-mini-2025-04-14')?.input).toBe(0.4);
    expect(priceFor(book, 'gpt-4.1')).toBeUndefined();
  });

  it('counts successes without a price or usage as unpriced, not free', () => {
    const records: RequestRecord[] = [
      {
        seq: 0,
        intendedMs: 0,
        sentMs: 0,
        endMs: 1,
        outcome: 'ok',
        model: 'unknown-model',
        usage: { prompt: 1, completion: 1 },
      },
      { seq: 1, intendedMs: 0, sentMs: 0, endMs: 1, outcome: 'ok', model: 'gpt-4.1-mini' },
    ];
    const cost = costOf(records, book, servingModel({}));
    expect(cost).toMatchObject({
      priced: 0,
      unpriced: 2,
      unpricedModels: ['unknown-model'],
      per1k: undefined,
      totalUsd: 0,
    });
  });

  it('loads the bundled list prices, each with a source and a date', () => {
    const list = parsePriceBook(listPrices, 'list-2026.json');
    expect(Object.keys(list.models).length).toBeGreaterThan(5);
    for (const price of Object.values(list.models))
      expect(price).toMatchObject({ source: expect.any(String), date: expect.any(String) });
  });

  it.each([
    [{ models: { m: { input: -1, output: 1 } } }, /models\.m\.input: expected a non-negative number/],
    [{ models: { m: { input: 1 } } }, /models\.m\.output/],
    [[], /expected \{ name, kind, models/],
  ])('rejects %j', (value, message) => {
    expect(() => parsePriceBook(value, 'book.json')).toThrow(message);
  });
});

describe('relay events on load time', () => {
  it('shifts by the offset, keeps well-formed events only, oldest first', () => {
    const events = [
      { type: 'cooldown', target: 'p', untilMs: 12_000, reason: 'status_429', at: 11_000 },
      { type: 'breaker', target: 'p', from: 'closed', to: 'open', at: 10_500 },
      { type: 'breaker', target: 'p', at: 'soon' },
      null,
    ];
    expect(relayEventsOnLoadTime(events, 10_000)).toEqual([
      { type: 'breaker', target: 'p', atMs: 500, from: 'closed', to: 'open' },
      { type: 'cooldown', target: 'p', atMs: 1000, untilMs: 2000, reason: 'status_429' },
    ]);
    expect(relayClockOffset(1_000_000, 1_010_000)).toBe(10_000);
  });
});

describe('recent latency (progress p99)', () => {
  it('keeps only the window, in a bounded ring', () => {
    const recent = new RecentLatency(1000, 4);
    for (let i = 0; i < 6; i++)
      recent.observe({ seq: i, intendedMs: i * 100, sentMs: i * 100, endMs: i * 100 + (i + 1) * 10, outcome: 'ok' });
    expect(recent.percentile(99, 560)).toBe(60_000);
    expect(recent.percentile(50, 560)).toBe(40_000); // 30..60 ms kept (capacity 4)
    expect(recent.percentile(99, 5000)).toBeUndefined();
  });
});

describe('slices', () => {
  it('leaves p50/p99 out of a slice without completed requests', () => {
    const slices = buildSlices([{ seq: 0, intendedMs: 10, sentMs: 10, endMs: 10, outcome: 'dropped' }], 250, 500);
    expect(slices[0]).toMatchObject({ offered: 1, dropped: 1 });
    expect(slices[0]!.p50Us).toBeUndefined();
  });
});

describe('gate values over scopes', () => {
  const gates = parseGateTable(
    {
      'latency{phase:fault}': ['p(50) > 49ms', 'p(50) < 51ms'],
      'latency{provider:primary}': ['max < 21ms'],
      'success_rate{provider:fallback}': ['rate == 100%'],
      'success_rate{phase:fault}': ['rate == 95%'],
      'failed{phase:baseline}': ['count == 0'],
      'ttft{phase:fault}': ['p(99) < 41ms'],
      cost_per_1k: ['value < 3'],
      'latency{variant:3-chain}': ['p(99) < 1s'],
    },
    (path, message) => {
      throw new Error(`${path.join('.')}: ${message}`);
    },
  );

  it('evaluates each scope against its part of the run', () => {
    const results = evaluateGates(gates, a, { variants: { '3-chain': a } });
    expect(results.map((r) => [r.gate.key, r.passed])).toEqual(gates.map((g) => [g.key, true]));
  });

  it('fails a variant gate when the run has no such variant, and says why', () => {
    const results = evaluateGates(gates, a);
    const variantGate = results.find((r) => r.gate.scope.variant !== undefined)!;
    expect(variantGate).toMatchObject({ passed: false, note: "the run has no variants (gate is scoped to '3-chain')" });
    expect(evaluateGates(gates, a, { variants: {} }).at(-1)!.note).toBe("the run has no variant '3-chain'");
  });
});

describe('fault-window gates scoped to a provider', () => {
  it('read only the windows of faults on that provider', () => {
    const windows = [
      { provider: 'primary', onPrimary: true, failoverMs: 80, disruptionMs: 500, recoveryMs: 4000 },
      { provider: 'fallback', onPrimary: false, failoverMs: undefined, disruptionMs: 250, recoveryMs: 900 },
    ];
    const scoped = parseGateTable(
      {
        'recovery_time{provider:fallback}': ['max < 1s'],
        'recovery_time{provider:primary}': ['max < 1s'],
        'disruption{provider:fallback}': ['max <= 250ms'],
        recovery_time: ['max < 1s'],
      },
      (path, message) => {
        throw new Error(`${path.join('.')}: ${message}`);
      },
    );
    const results = evaluateGates(scoped, { ...a, windows } as unknown as typeof a);
    expect(results.map((r) => [r.gate.key, r.actual, r.passed])).toEqual([
      ['recovery_time{provider:fallback}', 900, true],
      ['recovery_time{provider:primary}', 4000, false],
      ['disruption{provider:fallback}', 250, true],
      ['recovery_time', 4000, false],
    ]);
  });
});

describe('shouldAbort', () => {
  const gates = parseGateTable(
    {
      success_rate: [{ threshold: 'rate >= 99.5%', abort_on_fail: true, delay_abort_eval: '5s' }],
      failover_time: [{ threshold: 'max < 1s', abort_on_fail: true }],
      latency: ['p(99) < 1ms'],
    },
    () => {},
  );

  it.each([
    ['before the delay', 4999, undefined],
    ['after the delay, on a failing gate', 5000, 'success_rate'],
  ])('%s', (_what, elapsedMs, metric) => {
    const partial = aggregate({
      records: drill(),
      scheduled: 100,
      windows: [],
      primary: 'primary',
      durationMs: 10_000,
    });
    expect(shouldAbort(gates, partial, elapsedMs)?.gate.metric).toBe(metric);
  });

  it('never aborts on a gate without data yet, nor on a gate without abort_on_fail', () => {
    const clean = drill().filter((r) => r.outcome === 'ok');
    const partial = aggregate({
      records: clean,
      scheduled: clean.length,
      windows: [],
      primary: 'primary',
      durationMs: 10_000,
    });
    expect(shouldAbort(gates, partial, 60_000)).toBeUndefined();
  });
});
