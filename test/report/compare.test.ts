/** `compare` of two variants runs: configuration by configuration, each regression named with its configuration. */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src/metrics/record.js';
import { renderComparison } from '../../src/report/compare.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { combineVariants } from '../../src/scenario/result/combine-variants.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import { resultOfRecords } from '../support/run-result.js';

const scenario = parseScenario(
  'name: cmp\nproviders: [{ name: a }]\nload: { rate: 100/s, duration: 1s }\n',
  'cmp.yaml',
);

/** 100 successes, every one taking `ms`. */
function run(ms: number): RunResult {
  const records: RequestRecord[] = Array.from({ length: 100 }, (_, seq) => ({
    seq,
    intendedMs: seq * 10,
    sentMs: seq * 10,
    endMs: seq * 10 + ms,
    outcome: 'ok',
    provider: 'a',
  }));
  return resultOfRecords(scenario, records, 1000);
}

describe('compare of variants runs', () => {
  const a = combineVariants([
    { name: 'single', result: run(20) },
    { name: '2-chain', result: run(30) },
    { name: 'old', result: run(10) },
  ]);
  const b = combineVariants([
    { name: 'single', result: run(20) },
    { name: '2-chain', result: run(60) },
    { name: 'new', result: run(10) },
  ]);
  const { markdown, regressions } = renderComparison(a, b, 0.1);

  it('compares matching configurations one by one and flags only the one that regressed', () => {
    expect(markdown).toContain('### single');
    expect(markdown).toContain('### 2-chain');
    expect(regressions).toHaveLength(1);
    expect(regressions[0]).toMatch(/^2-chain: Latency p99: 30 ms -> 60 ms$/);
  });

  it('says which configurations only one side has', () => {
    expect(markdown).toContain('Not compared: old (A only), new (B only).');
  });
});
