/** The scenario library: every file under scenarios/ loads, says what it is, and the CI gates are short and gated. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/scenario/schema/loader.js';

const ROOT = 'scenarios';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(entry) ? [path] : [];
    });
}

const files = yamlFiles(ROOT);
const isGate = (file: string): boolean => relative(ROOT, file).split(sep)[0] === 'gates';
const isDrill = (file: string): boolean => relative(ROOT, file).split(sep)[0] === 'drills';

describe('scenario library', () => {
  it('has drills and CI gates', () => {
    expect(files.filter(isDrill).length).toBeGreaterThanOrEqual(9);
    expect(files.filter(isGate).length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s is valid and described', async (file) => {
    const scenario = await loadScenario(file);
    expect(scenario.description.trim()).not.toBe('');
  });

  it.each(files.filter(isDrill))('%s runs in at most 90 s of load', async (file) => {
    const scenario = await loadScenario(file);
    expect(scenario.load.warmup + scenario.load.duration).toBeLessThanOrEqual(90_000);
  });

  it.each(files.filter(isGate))('%s is a CI gate: at least one gate, load <= 60 s', async (file) => {
    const scenario = await loadScenario(file);
    expect(scenario.gates.length).toBeGreaterThan(0);
    expect(scenario.load.duration).toBeLessThanOrEqual(60_000);
    expect(scenario.load.warmup + scenario.load.duration).toBeLessThanOrEqual(60_000);
  });
});
