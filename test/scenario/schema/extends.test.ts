/** `extends`: deep merge (maps merge, lists and scalars replace), chains, cycles, errors located in the file that holds the field. */
import { describe, expect, it } from 'vitest';
import { ScenarioInvalidError } from '../../../src/errors.js';
import { loadScenario, parseScenario } from '../../../src/scenario/schema/loader.js';
import { deepMerge } from '../../../src/scenario/schema/deep-merge.js';

const dir = 'test/scenario/fixtures';

async function errorOf(file: string): Promise<string> {
  try {
    await loadScenario(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioInvalidError);
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('deepMerge', () => {
  it.each([
    ['maps merge', { a: { x: 1, y: 2 } }, { a: { y: 3 } }, { a: { x: 1, y: 3 } }],
    ['lists replace', { a: [1, 2, 3] }, { a: [4] }, { a: [4] }],
    ['scalars replace', { a: 1 }, { a: 'b' }, { a: 'b' }],
    ['a map replaces a scalar', { a: 1 }, { a: { b: 2 } }, { a: { b: 2 } }],
    ['new keys are added', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
  ])('%s', (_name, base, over, expected) => {
    const baseCopy = structuredClone(base);
    expect(deepMerge(base, over)).toEqual(expected);
    expect(base).toEqual(baseCopy); // never mutated
  });
});

describe('extends', () => {
  it('merges the base under the file: maps merge, the rest is inherited', async () => {
    const scenario = await loadScenario(`${dir}/child.yaml`);
    expect(scenario.name).toBe('child');
    expect(scenario.description).toBe('from the base');
    expect(scenario.seed).toBe(7);
    expect(scenario.load).toMatchObject({ rate: 40, duration: 2000, timeout: 2000 });
    expect(scenario.providers.map((p) => p.name)).toEqual(['primary', 'secondary']);
    expect(scenario.extends).toEqual([`${dir}/base.yaml`]);
  });

  it('follows a chain of bases', async () => {
    const scenario = await loadScenario(`${dir}/grandchild.yaml`);
    expect(scenario.target.chain).toEqual(['secondary']);
    expect(scenario.load.rate).toBe(40);
    expect(scenario.seed).toBe(7);
    expect(scenario.extends).toEqual([`${dir}/child.yaml`, `${dir}/base.yaml`]);
  });

  it('detects cycles and names the chain', async () => {
    const message = await errorOf(`${dir}/cycle-a.yaml`);
    expect(message).toMatch(
      /cycle-b\.yaml:1:10: field 'extends': extends cycle: .*cycle-a\.yaml -> .*cycle-b\.yaml -> .*cycle-a\.yaml/,
    );
  });

  it('reports a bad field at its line in the base file', async () => {
    const message = await errorOf(`${dir}/extends-bad-base.yaml`);
    expect(message).toContain(`${dir}/bad-base.yaml:3:14: field 'providers[0].latency'`);
  });

  it('reports a field the file overrides in the file, not the base', () => {
    const message = (() => {
      try {
        parseScenario(
          'extends: bad-base.yaml\nproviders:\n  - name: primary\n    latency: soon\n',
          `${dir}/inline.yaml`,
        );
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain(`${dir}/inline.yaml:4:14: field 'providers[0].latency'`);
    expect(message).not.toContain('bad-base.yaml');
  });

  it('names a missing base at the extends field', () => {
    expect(() => parseScenario('extends: nope.yaml\n', `${dir}/x.yaml`)).toThrow(
      /x\.yaml:1:10: field 'extends': base scenario not found: .*nope\.yaml/,
    );
  });
});
