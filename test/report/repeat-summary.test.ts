/** run --repeat's summary: per configuration and figure, the median across runs and its interval. */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { renderRepeatMarkdown, summarizeRepeats } from '../../src/report/repeat-summary.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { combineVariants } from '../../src/scenario/result/combine-variants.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import { resultOfRecords } from '../support/run-result.js';

const scenario = parseScenario(
  'name: rep\nseed: 5\nproviders: [{ name: a }]\nload: { rate: 100/s, duration: 1s }\n',
  'r.yaml',
);

/** 100 requests at `ms` each, the first `failed` of them failed. */
function run(ms: number, failed = 0): RunResult {
  const records: RequestRecord[] = Array.from({ length: 100 }, (_, seq) =>
    seq < failed
      ? { seq, intendedMs: seq * 10, sentMs: seq * 10, endMs: seq * 10 + ms, outcome: 'failed', failure: 'reset' }
      : { seq, intendedMs: seq * 10, sentMs: seq * 10, endMs: seq * 10 + ms, outcome: 'ok', provider: 'a' },
  );
  return resultOfRecords(scenario, records, 1000);
}

describe('summarizeRepeats', () => {
  it('gives the median and the min..max interval of 5 runs with its 93.8% coverage', () => {
    const summary = summarizeRepeats([run(20), run(24), run(22, 2), run(30), run(21, 1)]);
    expect(summary).toMatchObject({ scenario: 'rep', seed: 5, runs: 5 });
    const p50 = summary.figures.find((f) => f.metric === 'Latency p50')!;
    // HDR at 3 digits reports each bucket's upper edge: 20 ms reads 20.007 ms.
    const ms = (us: number | undefined): number => Math.round(us! / 1000);
    expect(p50.values.map(ms)).toEqual([20, 24, 22, 30, 21]);
    expect([p50.interval!.median, p50.interval!.low, p50.interval!.high].map(ms)).toEqual([22, 20, 30]);
    expect(p50.interval!.coverage).toBeCloseTo(0.9375, 12);
    const rate = summary.figures.find((f) => f.metric === 'Success rate')!;
    expect(rate.interval).toMatchObject({ median: 1, low: 0.98, high: 1 });
    expect(summary.figures.some((f) => f.metric === 'TTFT p99')).toBe(false); // no streams: no row
    const md = renderRepeatMarkdown(summary);
    expect(md).toMatch(/^## rep: 5 runs, seed 5$/m);
    expect(md).toMatch(
      /\| rep \| Latency p50 \| 22 ms \| 20 ms – 30 ms \| 93\.75% \| 20 ms, 24 ms, 22 ms, 30 ms, 21 ms \|/,
    );
  });

  it('summarises a variants run configuration by configuration', () => {
    const both = (ms: number): RunResult =>
      combineVariants([
        { name: 'fast', result: run(ms) },
        { name: 'slow', result: run(ms * 10) },
      ]);
    const summary = summarizeRepeats([both(10), both(11), both(12)]);
    const p50 = summary.figures.filter((f) => f.metric === 'Latency p50');
    expect(p50.map((f) => [f.configuration, Math.round(f.interval!.median / 1000)])).toEqual([
      ['fast', 11],
      ['slow', 110],
    ]);
  });
});
