import { describe, expect, it } from 'vitest';
import {
  evaluateGate,
  gateVariants,
  GateSyntaxError,
  parseGate,
  parseGateEntry,
  parseGateKey,
  parseGateTable,
  type GateMetric,
} from '../../../src/scenario/gates/grammar.js';

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

  it.each([
    ['rate >= 95%', 19 / 20],
    ['rate >= 99.9%', 999 / 1000],
    ['rate == 10%', 1 / 10],
  ] as const)('%s holds at exactly %d (percent thresholds are exact)', (source, actual) => {
    expect(evaluateGate(parseGate('success_rate', source), () => actual).passed).toBe(true);
  });

  it('fails a gate that has no data, and says so', () => {
    const result = evaluateGate(parseGate('failover_time', 'max < 2s'), () => undefined);
    expect(result.passed).toBe(false);
    expect(result.note).toMatch(/no data/);
  });
});

describe('parseGateKey', () => {
  it.each([
    ['latency', 'latency', {}],
    ['ttft', 'ttft', {}],
    ['cost_per_1k', 'cost_per_1k', {}],
    ['latency{phase:fault}', 'latency', { phase: 'fault' }],
    ['latency{ phase : recovery }', 'latency', { phase: 'recovery' }],
    ['success_rate{provider:fallback}', 'success_rate', { provider: 'fallback' }],
    ['latency{variant:3-chain}', 'latency', { variant: '3-chain' }],
    ['ttft{variant:direct,phase:baseline}', 'ttft', { variant: 'direct', phase: 'baseline' }],
    ['failed{phase:fault}', 'failed', { phase: 'fault' }],
    ['failover_time{variant:2-chain}', 'failover_time', { variant: '2-chain' }],
  ] as const)('%s', (key, metric, scope) => {
    const parsed = parseGateKey(key);
    expect(parsed.metric).toBe(metric);
    expect(parsed.scope).toEqual(scope);
  });

  it('writes the key in canonical form (phase, provider, variant)', () => {
    expect(parseGateKey('ttft{ variant:direct , phase:baseline }').key).toBe('ttft{phase:baseline,variant:direct}');
  });

  it.each([
    ['lat', /unknown metric 'lat'; known: latency, ttft/],
    ['latency{phase:fault', /expected '}' at the end/],
    ['latency{phase}', /expected tag:value pairs inside \{\}, got 'phase'/],
    ['latency{}', /expected tag:value pairs/],
    ['latency{status:200}', /unknown tag 'status'; known: phase, provider, variant/],
    ['latency{phase:warmup}', /phase must be baseline, fault, recovery; got 'warmup'/],
    ['latency{phase:fault,phase:baseline}', /tag 'phase' given twice/],
    ['failover_time{phase:fault}', /failover_time cannot be scoped by phase; it can by provider, variant/],
    ['dropped{provider:a}', /dropped cannot be scoped by provider/],
    ['latency{phase:fault,provider:a}', /phase and provider cannot be combined/],
    ['latency{provider:}', /expected tag:value pairs/],
  ] as const)('%s is rejected, quoting the input', (key, message) => {
    expect(() => parseGateKey(key)).toThrow(GateSyntaxError);
    expect(() => parseGateKey(key)).toThrow(message);
    expect(() => parseGateKey(key)).toThrow(`'${key}'`);
  });
});

describe('parseGateEntry', () => {
  it.each([
    ['ttft', 'p(95) < 800ms', { kind: 'percentile', percentile: 95 }, 800],
    ['cost_per_1k', 'value < 0.5', { kind: 'value' }, 0.5],
    ['latency{phase:fault}', 'p(99)<3s', { kind: 'percentile', percentile: 99 }, 3000],
  ] as const)('%s: %s', (key, source, aggregation, threshold) => {
    const gate = parseGateEntry(key, source);
    expect(gate.aggregation).toEqual(aggregation);
    expect(gate.threshold).toBeCloseTo(threshold, 9);
    expect(gate.abortOnFail).toBeUndefined();
  });

  it.each([
    [{ threshold: 'rate >= 95%', abort_on_fail: true, delay_abort_eval: '5s' }, { delayMs: 5000 }],
    [{ threshold: 'rate >= 95%', abort_on_fail: true }, { delayMs: 0 }],
    [{ threshold: 'rate >= 95%', abort_on_fail: false }, undefined],
    [{ threshold: 'rate >= 95%' }, undefined],
  ] as const)('object form %j', (entry, abort) => {
    const gate = parseGateEntry('success_rate', entry);
    expect(gate.threshold).toBeCloseTo(0.95, 9);
    expect(gate.abortOnFail).toEqual(abort);
  });

  it.each([
    ['success_rate', 42, /^42: expected an expression/],
    ['success_rate', ['rate > 1'], /expected an expression/],
    [
      'success_rate',
      { threshold: 'rate >= 95%', abort: true },
      /unknown field 'abort'; allowed: threshold, abort_on_fail, delay_abort_eval/,
    ],
    ['success_rate', { abort_on_fail: true }, /'threshold' must be an expression string/],
    ['success_rate', { threshold: 'rate >= 95ms' }, /'rate >= 95ms': success_rate is not a duration/],
    [
      'success_rate',
      { threshold: 'rate >= 95%', abort_on_fail: 'yes' },
      /'abort_on_fail' must be true or false, got "yes"/,
    ],
    [
      'success_rate',
      { threshold: 'rate >= 95%', abort_on_fail: true, delay_abort_eval: 5 },
      /'delay_abort_eval' must be a duration such as 5s, got 5/,
    ],
    [
      'success_rate',
      { threshold: 'rate >= 95%', delay_abort_eval: '5s' },
      /'delay_abort_eval' needs abort_on_fail: true/,
    ],
    ['cost_per_1k', 'value < 50%', /cost_per_1k is in USD/],
    ['cost_per_1k', 'max < 1', /cost_per_1k supports value/],
    ['ttft', 'p(99) < 100', /ttft needs a duration unit/],
  ] as const)('%s: %j is rejected, quoting the input', (key, entry, message) => {
    expect(() => parseGateEntry(key, entry)).toThrow(GateSyntaxError);
    expect(() => parseGateEntry(key, entry)).toThrow(message);
    const quoted =
      typeof entry === 'string'
        ? `'${entry}'`
        : typeof entry === 'object' && 'threshold' in entry && /not a duration/.test(String(message))
          ? `'${entry.threshold}'`
          : JSON.stringify(entry);
    expect(() => parseGateEntry(key, entry)).toThrow(quoted);
  });
});

describe('parseGateTable', () => {
  it('parses what it can and reports the rest with their paths', () => {
    const problems: Array<[Array<string | number>, string]> = [];
    const gates = parseGateTable(
      {
        latency: ['p(99) < 1s'],
        'latency{phase:fault}': ['p(99) < 3s', 'p(99) < 3'],
        'latency{phase:warmup}': ['p(99) < 1s'],
        success_rate: [{ threshold: 'rate >= 95%', abort_on_fail: 'yes' }],
      },
      (path, message) => problems.push([path, message]),
    );
    expect(gates.map((g) => `${g.key}: ${g.source}`)).toEqual([
      'latency: p(99) < 1s',
      'latency{phase:fault}: p(99) < 3s',
    ]);
    expect(problems.map(([path]) => path)).toEqual([
      ['latency{phase:fault}', 1],
      ['latency{phase:warmup}'],
      ['success_rate', 0, 'abort_on_fail'],
    ]);
  });

  it('lists the variants gates refer to', () => {
    const gates = parseGateTable(
      { 'latency{variant:a}': ['p(99) < 1s'], 'success_rate{variant:b}': ['rate > 0.9'], ttft: ['p(50) < 1s'] },
      () => {},
    );
    expect(gateVariants(gates)).toEqual(['a', 'b']);
  });
});

describe('scoped evaluation', () => {
  it('passes the scope to the value source', () => {
    const seen: unknown[] = [];
    evaluateGate(parseGateEntry('latency{phase:fault}', 'p(99) < 1s'), (metric, aggregation, scope) => {
      seen.push([metric, aggregation, scope]);
      return 1;
    });
    expect(seen).toEqual([['latency', { kind: 'percentile', percentile: 99 }, { phase: 'fault' }]]);
  });
});
