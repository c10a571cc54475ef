/** A scenario's `slo:` and the goodput gate: objectives in ms, errors naming the field, the value and the line. */
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';

const base = 'providers: [{ name: a }]\nload: { rate: 10/s, duration: 5s }\n';

function errorOf(text: string): string {
  try {
    parseScenario(text, 's.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('slo section', () => {
  it('is absent unless set, and converts each objective to milliseconds', () => {
    expect(parseScenario(base, 's.yaml').slo).toBeUndefined();
    expect(parseScenario(`${base}slo: { ttft: 500ms, itl: 50ms, tpot: 20ms, latency: 5s }\n`, 's.yaml').slo).toEqual({
      ttftMs: 500,
      itlMs: 50,
      tpotMs: 20,
      latencyMs: 5000,
    });
    expect(parseScenario(`${base}slo: { latency: 2s }\n`, 's.yaml').slo).toEqual({ latencyMs: 2000 });
  });

  it.each([
    ['ttft', '0ms', '"0ms"'],
    ['itl', 'fast', '"fast"'],
    ['latency', '-5s', '"-5s"'],
    ['tpot', '12', '12'],
  ])('rejects %s: %s, naming the field, the value and the line', (field, value, shown) => {
    expect(errorOf(`${base}slo:\n  ${field}: ${value}\n`)).toMatch(
      new RegExp(
        `s\\.yaml:4:\\d+: field 'slo\\.${field}': expected a positive duration such as 50ms or 2s, got ${shown}`,
      ),
    );
  });

  it('rejects unknown objectives and an empty slo', () => {
    expect(errorOf(`${base}slo: { ttfb: 1s }\n`)).toMatch(/slo.*ttfb/);
    expect(errorOf(`${base}slo: {}\n`)).toMatch(/field 'slo': .*states no objective/);
  });

  it('parses goodput, itl and tpot gates, and refuses a goodput gate without an slo', () => {
    const gated = parseScenario(
      `${base}slo: { ttft: 500ms }\ngates:\n  goodput: ['rate >= 95%', 'value > 5']\n  itl: ['p(50) < 50ms']\n  'tpot{phase:fault}': ['max < 1s']\n`,
      's.yaml',
    );
    expect(gated.gates.map((g) => [g.key, g.aggregation.kind, g.threshold])).toEqual([
      ['goodput', 'rate', 0.95],
      ['goodput', 'value', 5],
      ['itl', 'percentile', 50],
      ['tpot{phase:fault}', 'max', 1000],
    ]);
    expect(errorOf(`${base}gates:\n  goodput: ['rate >= 95%']\n`)).toMatch(
      /s\.yaml:4:\d+: .*goodput.*states none; add slo:/,
    );
    expect(errorOf(`${base}slo: { ttft: 1s }\ngates:\n  goodput: ['p(99) < 1s']\n`)).toMatch(
      /goodput supports rate, count, value/,
    );
    expect(errorOf(`${base}gates:\n  itl: ['p(99) < 50']\n`)).toMatch(/itl needs a duration unit/);
  });
});
