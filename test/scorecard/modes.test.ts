/** The mode table: every row builds a valid scenario for every kind of target, at both paces. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING, modeScenario, type Pace } from '../../src/scorecard/mode-scenario.js';
import { FAILURE_MODES, selectModes } from '../../src/scorecard/modes.js';
import { parseScorecardTarget } from '../../src/scorecard/scorecard-target.js';
import { URL_TARGET_PROXY_PORTS } from '../../src/scorecard/url-target-ports.js';

const PACES: Pace[] = [
  { name: 'single', rate: 2 },
  { name: 'under load', rate: 50 },
];
const TARGETS = ['builtin', 'http://127.0.0.1:4000', 'fixtures/targets/portkey.yaml'].map(parseScorecardTarget);

describe('failure modes', () => {
  it('have unique snake_case names', () => {
    const names = FAILURE_MODES.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it.each(FAILURE_MODES.map((m) => [m.name, m] as const))(
    '%s builds a valid scenario for every target and pace',
    (_n, mode) => {
      for (const target of TARGETS) {
        for (const pace of PACES) {
          const scenario = modeScenario(mode, pace, target, DEFAULT_TIMING);
          expect(scenario.target.chain).toEqual(['primary', 'fallback']);
          expect(scenario.load.rate).toBe(pace.rate);
          expect(scenario.faults.map((f) => f.providers)).toEqual([
            ...mode.faults.map(() => ['primary']),
            ...(mode.fallbackFaults ?? []).map(() => ['fallback']),
          ]);
          expect(scenario.load.mix.streamRatio).toBe(mode.stream ? 1 : 0);
        }
      }
    },
  );

  it('give a gateway at a URL fixed proxy ports, and a target file its own directory for relative paths', () => {
    const mode = FAILURE_MODES[0]!;
    const atUrl = modeScenario(mode, PACES[0]!, TARGETS[1]!, DEFAULT_TIMING);
    expect(atUrl.target).toMatchObject({ kind: 'external', url: 'http://127.0.0.1:4000' });
    expect(atUrl.providers.map((p) => p.proxy_port)).toEqual([
      URL_TARGET_PROXY_PORTS.primary,
      URL_TARGET_PROXY_PORTS.fallback,
    ]);
    const fromFile = modeScenario(mode, PACES[0]!, TARGETS[2]!, DEFAULT_TIMING);
    expect(fromFile.file).toMatch(/fixtures\/targets\/scorecard-refused-single\.yaml$/);
    expect(fromFile.target.command).toBeDefined();
  });

  it("give our relay its documented settings and a mode's chain entries; other gateways the same providers without them", () => {
    const byName = (name: string) => FAILURE_MODES.find((m) => m.name === name)!;
    const contextLength = modeScenario(byName('context_length'), PACES[0]!, TARGETS[0]!, DEFAULT_TIMING);
    expect(contextLength.target).toMatchObject({ attempt_timeout: 2000, stream_idle_timeout: 5000 });
    expect(contextLength.target.members).toEqual({
      primary: { context_window: 8000 },
      fallback: { context_window: 128_000 },
    });
    for (const target of TARGETS.slice(1)) {
      const elsewhere = modeScenario(byName('context_length'), PACES[0]!, target, DEFAULT_TIMING);
      expect(elsewhere.target.members).toEqual({});
    }
    for (const target of TARGETS) {
      const revoked = modeScenario(byName('key_revoked'), PACES[1]!, target, DEFAULT_TIMING);
      expect(revoked.providers.find((p) => p.name === 'primary')!.keys).toBe(2);
      expect(
        revoked.schedule.map((f) => [
          f.provider,
          f.plane === 'mock' ? f.request.kind : f.plane === 'proxy' ? f.request.type : f.plane,
        ]),
      ).toEqual([
        ['primary', 'auth_error'],
        ['fallback', 'down'],
      ]);
    }
  });

  it('are selected by name in table order, unknown names reported', () => {
    expect(selectModes(['stream_cut', 'reset']).modes.map((m) => m.name)).toEqual(['reset', 'stream_cut']);
    expect(selectModes(['reset', 'nope'])).toMatchObject({ unknown: ['nope'] });
    expect(selectModes(undefined).modes).toHaveLength(FAILURE_MODES.length);
  });
});

describe('--target', () => {
  it.each([
    ['foo.txt', /expected builtin, an http\(s\) URL or a \.yaml target file/],
    ['missing.yaml', /"missing.yaml": cannot read it/],
    ['fixtures/relay.example.yaml', /expected a YAML file with a 'target:' section/],
  ])('%s is refused with the reason', (value, message) => {
    expect(() => parseScorecardTarget(value)).toThrow(message);
  });
});
