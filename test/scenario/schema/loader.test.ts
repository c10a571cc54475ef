import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError, ScenarioNotFoundError } from '../../../src/errors.js';
import { loadScenario, parseScenario } from '../../../src/scenario/schema/loader.js';

const VALID = `name: t
providers:
  - name: a
    latency: 20ms
  - name: b
load:
  rate: 50/s
  duration: 20s
faults:
  - provider: a
    type: reset_peer
    at: 8s
    for: 5s
gates:
  success_rate: ['rate >= 99%']
`;

function errorOf(text: string): string {
  try {
    parseScenario(text, 'drill.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario loader', () => {
  it('resolves units and defaults', () => {
    const scenario = parseScenario(VALID, 'drill.yaml');
    expect(scenario.load).toMatchObject({ rate: 50, duration: 20_000, timeout: 10_000, max_in_flight: 1000 });
    expect(scenario.providers[0]).toMatchObject({ name: 'a', latency: 20 });
    expect(scenario.target.chain).toEqual(['a', 'b']);
    expect(scenario.faults[0]).toMatchObject({
      type: 'reset_peer',
      kind: 'reset',
      providers: ['a'],
      at: 8000,
      for: 5000,
      stream: 'downstream',
      rate: 1,
      attributes: { timeout: 0 },
    });
    expect(scenario.schedule).toEqual([
      {
        provider: 'a',
        type: 'reset_peer',
        atMs: 8000,
        forMs: 5000,
        source: { fault: 0, repetition: 0, step: 0 },
        plane: 'proxy',
        request: { type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } },
      },
    ]);
    expect(scenario.gates).toHaveLength(1);
  });

  it('names file, line, column and field for an unknown key', () => {
    const message = errorOf(VALID.replace('  - name: b', '  - name: b\n    colour: red'));
    expect(message).toContain("drill.yaml:6:5: field 'providers[1].colour': unknown key");
    expect(message).toContain('allowed: name, model, latency');
  });

  it('names file, line and field for a malformed duration, quoting the value', () => {
    const message = errorOf(VALID.replace('duration: 20s', 'duration: 20 seconds'));
    expect(message).toContain("drill.yaml:8:13: field 'load.duration'");
    expect(message).toContain('"20 seconds"');
  });

  it('points a missing required field at its parent', () => {
    const message = errorOf(VALID.replace('  rate: 50/s\n', ''));
    expect(message).toMatch(/drill\.yaml:7:\d+: field 'load\.rate'/);
  });

  it('reports a bad gate expression at its line', () => {
    const message = errorOf(VALID.replace("'rate >= 99%'", "'rate >= lots'"));
    expect(message).toContain("drill.yaml:15:18: field 'gates.success_rate[0]'");
  });

  it('rejects references to unknown providers and faults that begin after the load', () => {
    const message = errorOf(VALID.replace('  - provider: a', '  - provider: z').replace('at: 8s', 'at: 20s'));
    expect(message).toContain("field 'faults[0].provider': unknown provider 'z'");
    expect(message).toContain("field 'faults[0].at': fault starts at 20s, when the load has ended (20s)");
  });

  it('reports YAML syntax errors with their line', () => {
    const message = errorOf('providers:\n  - name: a\n load: [\n');
    expect(message).toMatch(/^drill\.yaml:\d+:\d+: YAML: /);
  });

  it('says clearly when the file does not exist', async () => {
    await expect(loadScenario('no/such/scenario.yaml')).rejects.toThrow(ScenarioNotFoundError);
    await expect(loadScenario('no/such/scenario.yaml')).rejects.toThrow(
      'scenario file not found: no/such/scenario.yaml',
    );
  });

  it('accepts every scenario shipped in scenarios/', async () => {
    for (const file of [
      'scenarios/smoke.yaml',
      'scenarios/smoke-single.yaml',
      'scenarios/drills/flapping-primary.yaml',
    ]) {
      await expect(loadScenario(file)).resolves.toMatchObject({ file });
    }
  });
});
