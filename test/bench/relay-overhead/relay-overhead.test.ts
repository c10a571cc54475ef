import { describe, expect, it } from 'vitest';
import { OVERLOAD_PLAN, renderOverload } from './overload-segment.js';
import { processTicks, statTicks } from './proc-cpu.js';
import { renderRatios } from './ratio-lines.js';
import type { RoundFigures } from './round-table.js';
import type { SegmentFigures } from './segment.js';
import { SERVER_OF, TARGETS, type ProcessName, type TargetName } from './servers.js';
import { readBenchSettings } from './settings.js';
import { spreadOf } from './stats.js';

describe('spreadOf', () => {
  it.each([
    { values: [3, 1, 2], median: 2, min: 1, max: 3 },
    { values: [4, 1, 3, 2], median: 2.5, min: 1, max: 4 },
    { values: [5, NaN, 7], median: 6, min: 5, max: 7 },
  ])('$values -> median $median [$min - $max]', ({ values, median, min, max }) => {
    expect(spreadOf(values)).toEqual({ median, min, max });
  });

  it('has no median without values', () => {
    expect(spreadOf([NaN]).median).toBeNaN();
  });
});

describe('readBenchSettings', () => {
  it('defaults to 5 rounds of 10 s segments at 1000 req/s', () => {
    expect(readBenchSettings({})).toMatchObject({ rate: 1000, rounds: 5, segmentS: 10, quick: false });
  });

  it('BENCH_QUICK shortens the defaults, explicit variables still win', () => {
    expect(readBenchSettings({ BENCH_QUICK: '1' })).toMatchObject({ rounds: 1, segmentS: 3, quick: true });
    expect(readBenchSettings({ BENCH_QUICK: '1', BENCH_ROUNDS: '2' })).toMatchObject({ rounds: 2, segmentS: 3 });
  });

  it.each([
    ['BENCH_ROUNDS', '1.5'],
    ['BENCH_RATE', 'fast'],
    ['BENCH_SEGMENT_S', '0'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => readBenchSettings({ [name]: value })).toThrow(new RegExp(`^${name}="${value}": expected`));
  });
});

describe('statTicks', () => {
  it('adds utime and stime, even when the command name has spaces and parentheses', () => {
    const rest = 'S 1 1 1 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 7 0 100 1000 100';
    expect(statTicks(`4242 (node (a) b) ${rest}`)).toBe(1234 + 56);
  });

  it('reads a live process (this one) from /proc', () => {
    expect(processTicks(process.pid)).toBeGreaterThanOrEqual(0);
  });
});

describe('renderRatios', () => {
  const settings = readBenchSettings({});
  const segment = (target: TargetName, cpuUs: number, okPerS: number, failed = 0): SegmentFigures => ({
    target,
    seconds: 10,
    answered: 10_000,
    failed,
    okPerS,
    cpuUsPerRequest: new Map<ProcessName, number>([[SERVER_OF[target], cpuUs]]),
    foreignCores: 0.1,
    p50Us: { direct: 1000, bare: 1200, relay: 1500 }[target],
    p99Us: { direct: 2000, bare: 2500, relay: 3000 }[target],
  });
  const round = (n: number, relayCpu: number, relayRate: number, failed = 0): RoundFigures => {
    const cpu = { direct: 250, bare: 400, relay: relayCpu };
    const rate = { direct: 5000, bare: 4000, relay: relayRate };
    const of = (kind: 'open' | 'closed'): Map<TargetName, SegmentFigures> =>
      new Map(
        TARGETS.map((t) => [t, segment(t, cpu[t], kind === 'open' ? 1000 : rate[t], t === 'relay' ? failed : 0)]),
      );
    return { round: n, order: TARGETS, open: of('open'), closed: of('closed') };
  };

  it('takes each ratio within its round and summarises median [min - max], last line latency', () => {
    const text = renderRatios([round(1, 420, 3900), round(2, 440, 3800), round(3, 480, 3600)], settings);
    expect(text).toContain('relay/bare CPU per request @1000 req/s : 1.100x [1.050x - 1.200x]');
    expect(text).toContain('goal <= 1.08x: not met');
    expect(text).toContain('relay/bare max throughput (closed, 64 conn.) : 0.950x [0.900x - 0.975x]');
    expect(text).toContain('goal >= 0.95x: met by the median, not in every round');
    expect(text.split('\n').at(-1)).toBe(
      'latency overhead vs direct, p99 @1000 req/s : relay +1.00 ms [+1.00 ms - +1.00 ms]   bare +0.50 ms [+0.50 ms - +0.50 ms]',
    );
  });

  it('leaves out rounds with failed requests, and judges nothing when no round is clean', () => {
    const some = renderRatios([round(1, 420, 3900), round(2, 800, 2000, 5), round(3, 424, 3900)], settings);
    expect(some).toContain('2 clean round(s) (1 left out: failed requests)');
    expect(some).toContain('1.055x [1.050x - 1.060x]  goal <= 1.08x: met in every round');
    const none = renderRatios([round(1, 800, 2000, 5)], settings);
    expect(none).toContain('NONE clean');
    expect(none).toContain('not judged (no clean round)');
  });
});

describe('renderOverload', () => {
  it('shows shed p50/p99 and the share within 10 ms at the planned load', () => {
    const text = renderOverload({
      plan: OVERLOAD_PLAN,
      capacityPerS: 200,
      ratePerS: 600,
      served: 1000,
      shed: 2000,
      other: 0,
      shedP50Us: 1_500,
      shedP99Us: 8_250,
      shedWithin10ms: 0.995,
      servedP50Us: 51_000,
      servedP99Us: 60_000,
      shedServiceP99Us: 7_000,
      lagP99Ms: 1.2,
    });
    expect(text).toContain('## Overload: 3x capacity');
    expect(text).toContain('| 1000 | 2000 | 0 | 1.50 ms | 8.25 ms | 99.5% | 7.00 ms | 51.00 ms | 60.00 ms | 1.2 ms |');
  });
});
