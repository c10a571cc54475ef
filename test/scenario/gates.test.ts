import { describe, expect, it } from 'vitest';
import { evaluateGate, GateSyntaxError, parseGate, type GateMetric } from '../../src/scenario/gates.js';

describe('parseGate', () => {
  it.each([
    ['latency', 'p(99) < 1500ms', { kind: 'percentile', percentile: 99 }, '<', 1500],
    ['latency', 'p(99.9)<=2s', { kind: 'percentile', percentile: 99.9 }, '<=', 2000],
    ['latency', 'avg < 0.5m', { kind: 'avg' }, '<', 30_000],
    ['latency', 'med>=10ms', { kind: 'med' }, '>=', 10],
    ['success_rate', 'rate >= 99.9%', { kind: 'rate' }, '>=', 0.999],
    ['success_rate', 'rate > 0.95', { kind: 'rate' }, '>', 0.95],
    ['failover_time', 'max < 2s', { kind: 'max' }, '<', 2000],
    ['disruption', 'max < 3s', { kind: 'max' }, '<', 3000],
    ['recovery_time', 'avg <= 10s', { kind: 'avg' }, '<=', 10_000],
    ['slice_availability', 'rate >= 99.5%', { kind: 'rate' }, '>=', 0.995],
    ['failed', 'count == 0', { kind: 'count' }, '==', 0],
    ['dropped', 'count != 3', { kind: 'count' }, '!=', 3],
  ] as const)('%s: %s', (metric, source, aggregation, operator, threshold) => {
    const gate = parseGate(metric as GateMetric, source);
    expect(gate.aggregation).toEqual(aggregation);
    expect(gate.operator).toBe(operator);
    expect(gate.threshold).toBeCloseTo(threshold, 9);
  });

  it.each([
    ['latency', 'q(99) < 1s', /expected an aggregation/],
    ['latency', 'p(99) 1s', /expected an operator/],
    ['latency', 'p(99) <', /expected a value/],
    ['latency', 'p(99) < fast', /'fast' is not a number/],
    ['latency', 'p(99) < 1500', /needs a duration unit/],
    ['latency', 'rate < 1s', /latency supports p\(N\), avg, min, med, max/],
    ['latency', 'p(120) < 1s', /percentile must be between 0 and 100/],
    ['success_rate', 'rate >= 99ms', /not a duration/],
    ['failed', 'p(50) < 1', /failed supports count, rate/],
  ] as const)('%s: %s is rejected, quoting the input', (metric, source, message) => {
    expect(() => parseGate(metric as GateMetric, source)).toThrow(GateSyntaxError);
    expect(() => parseGate(metric as GateMetric, source)).toThrow(message);
    expect(() => parseGate(metric as GateMetric, source)).toThrow(`'${source}'`);
  });
});

describe('evaluateGate', () => {
  it.each([
    ['p(99) < 1500ms', 1499, true],
    ['p(99) < 1500ms', 1500, false],
    ['p(99) <= 1500ms', 1500, true],
    ['p(99) > 10ms', 10, false],
    ['p(99) >= 10ms', 10, true],
    ['p(99) == 10ms', 10, true],
    ['p(99) != 10ms', 10, false],
  ] as const)('%s with %d -> %s', (source, actual, passed) => {
    const gate = parseGate('latency', source);
    expect(evaluateGate(gate, () => actual).passed).toBe(passed);
  });

  it('fails a gate that has no data, and says so', () => {
    const result = evaluateGate(parseGate('failover_time', 'max < 2s'), () => undefined);
    expect(result.passed).toBe(false);
    expect(result.note).toMatch(/no data/);
  });
});
