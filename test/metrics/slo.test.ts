/** How one request is judged against the SLO (goodput), and how ITL histograms merge across threads. */
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import { ItlRecorder, itlSlotMs, mergeItl } from '../../src/metrics/itl-histograms.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { sloMisses, tpotMs, type ServingSlo } from '../../src/metrics/slo.js';
import { outputTokens } from '../../src/metrics/tokens.js';
import { phaseDurationsMs } from '../../src/metrics/phase-spans.js';

const stream = (over: Partial<RequestRecord> = {}): RequestRecord => ({
  seq: 0,
  intendedMs: 1000,
  sentMs: 1000,
  firstTokenMs: 1200, // TTFT 200 ms
  endMs: 1200 + 9 * 20, // 10 tokens at 20 ms
  outcome: 'ok',
  stream: true,
  chunks: 10,
  maxGapMs: 30,
  usage: { prompt: 5, completion: 10 },
  ...over,
});
const SLO: ServingSlo = { ttftMs: 300, itlMs: 50, tpotMs: 25, latencyMs: 1000 };

describe('sloMisses', () => {
  it.each<[string, Partial<RequestRecord>, ServingSlo, string[]]>([
    ['a stream within every objective', {}, SLO, []],
    ['a late first token', { firstTokenMs: 1400, endMs: 1580 }, SLO, ['ttft']],
    ['one stall longer than the itl objective', { maxGapMs: 80 }, SLO, ['itl']],
    ['a slow decode (TPOT 40 ms)', { endMs: 1200 + 9 * 40 }, SLO, ['tpot']],
    ['a slow end-to-end', { endMs: 2100 }, { latencyMs: 1000 }, ['latency']],
    ['a failure, whatever its timings', { outcome: 'failed', failure: 'status_500' }, SLO, ['not_ok']],
    ['a dropped request', { outcome: 'dropped' }, SLO, ['not_ok']],
    // A JSON answer: its whole latency stands for its TTFT; it has no gaps or TPOT.
    [
      'a JSON answer within ttft',
      { stream: false, firstTokenMs: undefined, maxGapMs: undefined, chunks: undefined, endMs: 1250 },
      SLO,
      [],
    ],
    [
      'a JSON answer slower than ttft',
      { stream: false, firstTokenMs: undefined, maxGapMs: undefined, chunks: undefined, endMs: 1500 },
      SLO,
      ['ttft'],
    ],
    ['no objectives judged when none are stated', { maxGapMs: 5000, endMs: 9000 }, {}, []],
  ])('%s', (_, over, slo, misses) => {
    expect(sloMisses(stream(over), slo)).toEqual(misses);
  });

  it('TPOT = (latency − TTFT) / (output tokens − 1); tokens from usage, else content chunks', () => {
    expect(tpotMs(stream())).toBeCloseTo(20, 9);
    expect(tpotMs(stream({ usage: undefined, chunks: 4, endMs: 1260 }))).toBeCloseTo(20, 9);
    expect(tpotMs(stream({ usage: { prompt: 1, completion: 1 } }))).toBeUndefined();
    expect(tpotMs(stream({ firstTokenMs: undefined }))).toBeUndefined();
    expect(outputTokens(stream({ usage: undefined, chunks: 7 }))).toBe(7);
  });
});

describe('ITL histograms', () => {
  it('keep every gap per slot and per provider, and merge threads exactly', () => {
    const one = new ItlRecorder(1000);
    const two = new ItlRecorder(1000);
    const a = one.sinkFor(500, 'p');
    [10, 20, 30].forEach((gap) => a.record(gap));
    two.sinkFor(1500, 'p').record(40);
    two.sinkFor(1600, undefined).record(50);
    const merged = mergeItl([one.finish(), two.finish()]);
    expect(Object.keys(merged.bySlot).sort()).toEqual(['0', '1']);
    const slot1 = decodeHistogram(merged.bySlot['1']!);
    expect(slot1.totalCount).toBe(2);
    const provider = decodeHistogram(merged.byProvider['p']!);
    expect(provider.totalCount).toBe(4);
    expect(provider.maxValue).toBeGreaterThanOrEqual(39_990);
    expect(provider.minNonZeroValue).toBeLessThanOrEqual(10_010);
  });

  it('widens slots for long runs so at most ~120 exist', () => {
    expect(itlSlotMs(60_000)).toBe(1000);
    expect(itlSlotMs(undefined)).toBe(1000);
    expect(itlSlotMs(3_600_000)).toBe(30_000);
  });
});

describe('phaseDurationsMs', () => {
  it.each<[string, Array<{ startMs: number; endMs: number }>, Record<string, number>]>([
    ['no faults: all baseline', [], { baseline: 10_000, fault: 0, recovery: 0 }],
    ['one window', [{ startMs: 2000, endMs: 5000 }], { baseline: 2000, fault: 3000, recovery: 5000 }],
    [
      'overlapping windows count once',
      [
        { startMs: 2000, endMs: 5000 },
        { startMs: 4000, endMs: 6000 },
      ],
      { baseline: 2000, fault: 4000, recovery: 4000 },
    ],
    [
      'a window past the end is clipped',
      [{ startMs: 8000, endMs: 12_000 }],
      { baseline: 8000, fault: 2000, recovery: 0 },
    ],
  ])('%s', (_, spans, expected) => {
    expect(phaseDurationsMs(spans, 10_000)).toEqual(expected);
  });
});
