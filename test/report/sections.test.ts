import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import { parsePriceBook } from '../../src/metrics/cost.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { costSection, penaltySection, providerSection } from '../../src/report/markdown.js';
import { baselineGates, parseTolerance } from '../../src/scenario/gates/baseline.js';
import { evaluateGates } from '../../src/scenario/gates/evaluate.js';
import { progressLine, recentOkShare } from '../../src/cli/progress.js';

const records: RequestRecord[] = Array.from({ length: 20 }, (_, seq): RequestRecord => {
  const fallback = seq % 4 === 0;
  return {
    seq,
    intendedMs: seq * 50,
    sentMs: seq * 50,
    endMs: seq * 50 + (fallback ? 80 : 20),
    outcome: 'ok',
    provider: fallback ? 'fallback' : 'primary',
    attempts: fallback ? 2 : 1,
    usage: { prompt: 100, completion: 50 },
    ...(fallback ? { stream: true, firstTokenMs: seq * 50 + 60 } : {}),
  };
});
const book = parsePriceBook({ name: 'list', models: { m: { input: 1, output: 2 } } }, 'list');
const a = aggregate({
  records,
  scheduled: 20,
  windows: [],
  primary: 'primary',
  durationMs: 1000,
  prices: book,
  providerModels: { primary: 'm', fallback: 'm' },
});

describe('report sections', () => {
  it('per provider: served, latency, TTFT where streams were', () => {
    const md = providerSection(a).join('\n');
    expect(md).toContain('| Provider | Served | Failed | Latency p50 | Latency p99 | TTFT p50 |');
    expect(md).toMatch(/\| fallback \| 5 \| 0 \| 80 ms \| 80 ms \| 60 ms \|/);
    expect(md).toMatch(/\| primary \| 15 \| 0 \| 20 ms \| 20 ms \| — \|/);
  });

  it('the failover latency penalty line', () => {
    expect(penaltySection(a).join('')).toMatch(
      /needed a fallback p50 80 ms, p99 80 ms \(5\); without: p50 20 ms, p99 20 ms \(15\) → penalty p50 \+60 ms, p99 \+60 ms/,
    );
  });

  it('cost lines when prices are known, nothing otherwise', () => {
    // 100 x 1 + 50 x 2 = 200 tokens-dollars per 1M = $0.0002 per request
    expect(costSection(a).join('')).toBe(
      'Cost (list prices): $0.200 per 1K requests, $0.00400 in total for 20 priced successes',
    );
    expect(
      costSection(aggregate({ records, scheduled: 20, windows: [], primary: 'primary', durationMs: 1000 })),
    ).toEqual([]);
  });

  it('warns about unpriced successes, even when none could be priced', () => {
    const unknownFallback = { primary: 'm', fallback: 'claude-nobody-lists' };
    const some = aggregate({
      records,
      scheduled: 20,
      windows: [],
      primary: 'primary',
      durationMs: 1000,
      prices: book,
      providerModels: unknownFallback,
    });
    expect(costSection(some).join('\n')).toMatch(
      /15 priced successes\n\n> \*\*Warning: 5 of 20 successes could not be priced\*\* \(no price in list for claude-nobody-lists/,
    );
    const none = aggregate({
      records,
      scheduled: 20,
      windows: [],
      primary: 'primary',
      durationMs: 1000,
      prices: book,
      providerModels: { primary: 'x', fallback: 'x' },
    });
    expect(costSection(none).join('\n')).toMatch(
      /^> \*\*Warning: 20 of 20 successes could not be priced\*\* \(no price in list for x/,
    );
  });
});

describe('baseline regression gates', () => {
  it.each([
    ['10%', 0.1],
    ['2.5', 0.025],
  ])('tolerance %s', (text, fraction) => expect(parseTolerance(text)).toBeCloseTo(fraction, 12));

  it('pass against the run itself and fail against a much better one', () => {
    expect(evaluateGates(baselineGates(a, 0.1), a).map((r) => r.passed)).toEqual([true, true]);
    // Without its histogram (an older result.json) a baseline's ceiling is the tolerance alone.
    const better = { ...a, latency: { ...a.latency, p99Us: 10_000 }, latencyHistogram: '' };
    const [p99, rate] = evaluateGates(baselineGates(better, 0.1), a);
    expect(p99!.passed).toBe(false);
    expect(p99!.gate.source).toBe('p(99) <= 11ms (baseline 10 ms +10%)');
    expect(rate!.gate.source).toBe('rate >= 99.90% (baseline 100.00% -0.1pp)');
  });
});

describe('progress line', () => {
  it('shows offered vs achieved rate and the current p99', () => {
    const event = {
      kind: 'progress' as const,
      elapsedMs: 3000,
      totalMs: 10_000,
      scheduled: 120,
      ok: 118,
      failed: 2,
      dropped: 0,
      activeFaults: ['down@primary'],
    };
    expect(progressLine(event, 120, 39.5, 40, 1_250_000)).toBe(
      '  3/10 s  rate 40.0/s offered, 39.5/s achieved  sent 120  ok 98.3%  failed 2  dropped 0  p99 1.25 s  faults: down@primary',
    );
    expect(progressLine(event, 120, undefined, undefined, undefined)).toContain('rate —/s offered'.replace('—/s', '—'));
  });

  it('shows the ok share of the last few seconds beside the cumulative one', () => {
    // 100 of 100 fine, then an outage: of the last 20 completions 2 succeeded.
    const ticks = [
      { elapsedMs: 1000, done: 100, ok: 100 },
      { elapsedMs: 3000, done: 120, ok: 102 },
    ];
    expect(recentOkShare(ticks)).toBeCloseTo(0.1, 12);
    expect(recentOkShare(ticks.slice(0, 1))).toBeUndefined();
    expect(recentOkShare([ticks[0]!, { ...ticks[0]!, elapsedMs: 2000 }])).toBeUndefined(); // nothing completed
    const event = {
      kind: 'progress' as const,
      elapsedMs: 3000,
      totalMs: 10_000,
      scheduled: 120,
      ok: 102,
      failed: 18,
      dropped: 0,
      activeFaults: [],
    };
    expect(progressLine(event, 120, 10, 40, undefined, undefined, recentOkShare(ticks))).toContain(
      'ok 85.0% (recent 10.0%)  failed 18',
    );
  });
});
