/**
 * scenarios/failure-modes/: each drill is named after a scorecard mode and plays that mode's fault
 * on the primary (same kinds, same streaming), with gates, so the drill and the row never drift.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/schema/loader.js';
import { FAILURE_MODES } from '../../src/scorecard/modes.js';

const DIR = 'scenarios/failure-modes';
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('failure-modes library', () => {
  it('has a drill for every mode that existed when it was written', () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
  });

  it.each(files)('%s is the drill of the mode it is named after', async (file) => {
    const mode = FAILURE_MODES.find((m) => `${m.name}.yaml` === file);
    expect(mode, `${file}: no scorecard mode named ${file.replace('.yaml', '')}`).toBeDefined();
    const scenario = await loadScenario(join(DIR, file));
    expect(scenario.gates.length).toBeGreaterThan(0);
    expect(scenario.faults.map((f) => [f.type, f.providers])).toEqual(mode!.faults.map((f) => [f.type, ['primary']]));
    expect(scenario.load.mix.streamRatio).toBe(mode!.stream ? 1 : 0);
    expect(scenario.load.warmup + scenario.load.duration).toBeLessThanOrEqual(60_000);
  });
});
