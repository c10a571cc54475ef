import { describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import type { RequestRecord } from '../../src/metrics/record.js';
import { renderJUnit } from '../../src/report/junit.js';
import { buildResult, type RunResult } from '../../src/scenario/result/result.js';
import { evaluateGates } from '../../src/scenario/gates/evaluate.js';
import { parseGateTable } from '../../src/scenario/gates/grammar.js';
import type { RunOutcome } from '../../src/scenario/run/play.js';
import { findAll, parseXml } from './xml-well-formed.js';

function result(name: string, gates: Record<string, unknown[]>): RunResult {
  const records: RequestRecord[] = Array.from({ length: 10 }, (_, seq) =>
    seq === 3
      ? {
          seq,
          intendedMs: seq * 100,
          sentMs: seq * 100,
          endMs: seq * 100 + 400,
          outcome: 'failed',
          failure: 'status_503',
          status: 503,
        }
      : { seq, intendedMs: seq * 100, sentMs: seq * 100, endMs: seq * 100 + 20, outcome: 'ok', provider: 'primary' },
  );
  const aggregates = aggregate({ records, scheduled: 10, windows: [], primary: 'primary', durationMs: 1000 });
  const parsed = parseGateTable(gates, (path, message) => {
    throw new Error(`${path.join('.')}: ${message}`);
  });
  const outcome = {
    scenario: {
      name,
      file: `${name}.yaml`,
      description: '',
      seed: 1,
      target: { kind: 'builtin', chain: ['primary'] },
      load: { rate: 10, duration: 1000 },
      faults: [],
    },
    startedAt: '2026-11-22T00:00:00.000Z',
    finishedAt: '2026-11-22T00:00:01.500Z',
    records,
    scheduled: 10,
    windows: [],
    interrupted: false,
    faultPlane: { url: '', embedded: true },
    processes: [],
    cleanupErrors: [],
  } as unknown as RunOutcome;
  return buildResult(outcome, aggregates, evaluateGates(parsed, aggregates));
}

describe('renderJUnit', () => {
  const a = result('smoke <&> "quoted"', {
    success_rate: ['rate >= 99%'],
    'latency{phase:baseline}': ['p(99) < 1s'],
    failed: ['count == 0'],
  });
  const b = result('other', { latency: ['p(50) < 100ms'] });
  const xml = renderJUnit([a, b]);
  const root = parseXml(xml);

  it('is well-formed XML, escaping names and messages', () => {
    expect(root.name).toBe('testsuites');
    expect(findAll(root, 'testsuite').map((s) => s.attributes.name)).toEqual(['smoke <&> "quoted"', 'other']);
  });

  it('has one testcase per gate and counts failures', () => {
    expect(findAll(root, 'testcase')).toHaveLength(4);
    expect(root.attributes).toMatchObject({ tests: '4', failures: '2' });
    const [first] = findAll(root, 'testsuite');
    expect(first!.attributes).toMatchObject({ tests: '3', failures: '2', time: '1.500' });
  });

  it('puts the measured value in each failure', () => {
    const failures = findAll(root, 'failure').map((f) => f.attributes.message);
    expect(failures).toEqual([
      'measured 90.00%; expected success_rate rate >= 99%',
      'measured 1; expected failed count == 0',
    ]);
    const names = findAll(root, 'testcase').map((t) => t.attributes.name);
    expect(names).toContain('latency{phase:baseline}: p(99) < 1s');
  });

  it('rejects what is not well-formed (the checker is not a no-op)', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow(/bad entity/);
    expect(() => parseXml('<a>1 < 2</a>')).toThrow(/raw '<'|expected an element name/);
    expect(() => parseXml('<a/><b/>')).toThrow(/after the root/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
  });

  it('adds a budget testcase when the scenario sets one, failing when the budget stopped the load', () => {
    const base = result('paid', { success_rate: ['rate >= 50%'] });
    const budget = { usd: 5, book: 'list-2026', requests: 1234, unpriced: 0 };
    const within = parseXml(renderJUnit([{ ...base, budget: { ...budget, spentUsd: 1.5, reached: false } }]));
    expect(findAll(within, 'testcase').map((t) => t.attributes.name)).toEqual([
      'success_rate: rate >= 50%',
      'budget: spend < $5.00',
    ]);
    expect(within.attributes).toMatchObject({ tests: '2', failures: '0' });
    const stopped = parseXml(renderJUnit([{ ...base, budget: { ...budget, spentUsd: 5.0012, reached: true } }]));
    expect(stopped.attributes).toMatchObject({ tests: '2', failures: '1' });
    expect(findAll(stopped, 'failure').map((f) => f.attributes.message)).toEqual([
      'spent $5.0012 of $5.00: the load was stopped',
    ]);
    expect(findAll(stopped, 'testcase')[1]!.attributes.classname).toBe('relaybench.paid.budget');
  });

  it('writes an empty suite for a run without gates', () => {
    const none = parseXml(renderJUnit([result('empty', {})]));
    expect(findAll(none, 'testcase')).toHaveLength(0);
    expect(none.attributes.tests).toBe('0');
  });
});
