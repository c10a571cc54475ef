/**
 * `run --repeat N`: the same scenario and seed N times (own processes each), every run's files in
 * run-<i>/, and repeat.md / repeat.json with each figure's median and interval across the runs.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepeatSummary } from '../../src/report/repeat-summary.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { relaybench } from '../support/cli.js';

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-repeat-'));
  file = join(dir, 'repeat.yaml');
  await writeFile(
    file,
    'name: repeat-test\nseed: 11\nproviders: [{ name: only, latency: 20ms }]\nload: { rate: 20/s, duration: 1s }\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

describe('run --repeat', () => {
  // Four whole runs (own fault plane, mock and relay each): minutes on a loaded 2-core machine.
  it(
    'runs the scenario N times with one seed and reports medians whose intervals hold a single run',
    { timeout: 240_000 },
    async () => {
      const single = await relaybench(['run', file, '--out', join(dir, 'single')]);
      expect(single.code, single.stderr).toBe(0);
      const one = await readJson<RunResult>(join(dir, 'single', 'result.json'));

      const out = join(dir, 'three');
      const run = await relaybench(['run', file, '--repeat', '3', '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('relaybench: run 3 of 3 (seed 11)');
      for (const i of [1, 2, 3]) {
        const result = await readJson<RunResult>(join(out, `run-${i}`, 'result.json'));
        expect(result.scenario.seed).toBe(11);
        expect(result.aggregates.scheduled).toBe(one.aggregates.scheduled); // same seed, same schedule
      }
      const summary = await readJson<RepeatSummary>(join(out, 'repeat.json'));
      expect(summary).toMatchObject({ scenario: 'repeat-test', seed: 11, runs: 3 });
      const figure = (metric: string) => summary.figures.find((f) => f.metric === metric)!;
      expect(figure('Success rate').interval).toMatchObject({ median: 1, low: 1, high: 1, coverage: 0.75 });
      const p50 = figure('Latency p50');
      expect(p50.values).toHaveLength(3);
      expect(p50.interval!.low).toBeLessThanOrEqual(p50.interval!.median);
      expect(p50.interval!.high).toBeGreaterThanOrEqual(p50.interval!.median);
      // The single run is one more draw of the same thing: within the runs' spread, with room for a noisy box.
      expect(one.aggregates.latency.p50Us).toBeGreaterThan(p50.interval!.low / 2);
      expect(one.aggregates.latency.p50Us).toBeLessThan(p50.interval!.high * 2);
      expect(await readFile(join(out, 'repeat.md'), 'utf8')).toMatch(
        /\| repeat-test \| Latency p50 \| .+ \| .+ – .+ \| 75\.00% \|/,
      );
      expect(run.stdout).toContain('## repeat-test: 3 runs, seed 11');
    },
  );

  it.each([['0'], ['2.5'], ['51']])('refuses --repeat %s with exit 104 naming the flag', async (value) => {
    const run = await relaybench(['run', file, '--repeat', value, '--out', join(dir, `bad-${value}`)]);
    expect(run.code).toBe(104);
    expect(run.stderr).toContain(`--repeat: expected a whole number from 1 to 50, got ${value}`);
    await expect(stat(join(dir, `bad-${value}`))).rejects.toThrow(/ENOENT/);
  });
});
