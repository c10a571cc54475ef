/**
 * scenarios/failure-modes/: each drill is named after a scorecard mode and plays that mode's fault
 * on the primary (same kinds, same streaming), with gates, so the drill and the row never drift.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario, parseScenario } from '../../src/scenario/schema/loader.js';
import { FAILURE_MODES, type FailureMode } from '../../src/scorecard/modes.js';

const DIR = 'scenarios/failure-modes';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('failure-modes library', () => {
  it('has a drill for every mode of the scorecard', () => {
    expect(files).toEqual(FAILURE_MODES.map((m) => `${m.name}.yaml`).sort());
  });

  it.each(files)('%s is the drill of the mode it is named after', async (file) => {
    const mode = FAILURE_MODES.find((m) => `${m.name}.yaml` === file);
    expect(mode, `${file}: no scorecard mode named ${file.replace('.yaml', '')}`).toBeDefined();
    const scenario = await loadScenario(join(DIR, file));
    expect(scenario.gates.length).toBeGreaterThan(0);
    expect(scenario.faults.map((f) => [f.type, f.providers])).toEqual([
      ...mode!.faults.map((f) => [f.type, ['primary']]),
      ...(mode!.fallbackFaults ?? []).map((f) => [f.type, ['fallback']]),
    ]);
    // The same setting of the fault's own attributes (a key's number, an after_chunks).
    expect(scenario.faults.map((f) => f.attributes)).toEqual(
      parseScenario(modeLike(mode!), 'mode.yaml').faults.map((f) => f.attributes),
    );
    // The same providers' settings (a key pool) and our relay's chain entries (context windows).
    for (const role of ['primary', 'fallback'] as const) {
      const provider = scenario.providers.find((p) => p.name === role)!;
      expect(provider).toMatchObject(mode!.providers?.[role] ?? {});
      expect(scenario.target.members[role] ?? {}).toEqual(mode!.relay?.[role] ?? {});
    }
    expect(scenario.load.mix.streamRatio).toBe(mode!.stream ? 1 : 0);
    expect(scenario.load.warmup + scenario.load.duration).toBeLessThanOrEqual(60_000);
  });
});

/** The mode's faults as a scenario of its own, to compare attributes in one form. */
function modeLike(mode: FailureMode): string {
  const window = { at: '1s', for: '1s' };
  return stringify({
    providers: [
      { name: 'primary', ...mode.providers?.primary },
      { name: 'fallback', ...mode.providers?.fallback },
    ],
    load: { rate: '1/s', duration: '3s' },
    faults: [
      ...mode.faults.map((f) => ({ ...f, provider: 'primary', ...window })),
      ...(mode.fallbackFaults ?? []).map((f) => ({ ...f, provider: 'fallback', ...window })),
    ],
  });
}
