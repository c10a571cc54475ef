import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/metrics/aggregate.js';
import { buildResult } from '../../src/scenario/result/result.js';
import { parseScenario } from '../../src/scenario/schema/loader.js';
import { CLI } from '../support/cli.js';

const relaybench = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

const VALID = `description: A tiny drill for the list command.
providers: [{ name: a }]
load: { rate: 5/s, duration: 2s }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-inspect-'));
  await mkdir(join(dir, 'drills'));
  await writeFile(join(dir, 'drills', 'tiny.yaml'), VALID);
  await writeFile(join(dir, 'broken.yaml'), VALID.replace('duration: 2s', 'duration: two'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('relaybench list', () => {
  it('lists every scenario below the folder with its description, and flags invalid ones', () => {
    const run = relaybench('list', dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'tiny.yaml\n  5/s for 2 s, 0 fault(s), 0 gate(s)\n  A tiny drill for the list command.',
    );
    expect(run.stdout).toMatch(/broken\.yaml\n {2}INVALID: .*load\.duration/);
  });
});

describe('relaybench report', () => {
  it('prints the Markdown report of a result.json', async () => {
    const scenario = parseScenario(VALID, 'tiny.yaml');
    const records = [{ seq: 0, intendedMs: 0, sentMs: 0, endMs: 12, outcome: 'ok' as const, provider: 'a' }];
    const aggregates = aggregate({ records, scheduled: 1, windows: [], primary: 'a', durationMs: 2000 });
    const outcome = {
      scenario,
      startedAt: 'x',
      finishedAt: 'y',
      records,
      scheduled: 1,
      windows: [],
      interrupted: false,
      faultPlane: { url: '', embedded: true },
      processes: [],
      cleanupErrors: [],
    };
    const file = join(dir, 'result.json');
    await writeFile(file, JSON.stringify(buildResult(outcome, aggregates, [])));
    const run = relaybench('report', file);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '| builtin relay, single provider (a) | 100.00% | 0.0 | n/a | 1 | 12 ms | 12 ms | 12 ms | n/a |',
    );
  });

  it('--out renders report.md and report.html of a result.json into a directory', async () => {
    const scenario = parseScenario(VALID, 'tiny.yaml');
    const records = [{ seq: 0, intendedMs: 0, sentMs: 0, endMs: 12, outcome: 'ok' as const, provider: 'a' }];
    const aggregates = aggregate({ records, scheduled: 1, windows: [], primary: 'a', durationMs: 2000 });
    const outcome = {
      scenario,
      startedAt: 'x',
      finishedAt: 'y',
      records,
      scheduled: 1,
      windows: [],
      interrupted: false,
      faultPlane: { url: '', embedded: true },
      processes: [],
      cleanupErrors: [],
    };
    const file = join(dir, 'again.json');
    await writeFile(file, JSON.stringify(buildResult(outcome, aggregates, [])));
    const out = join(dir, 'again');
    const run = relaybench('report', file, '--out', out);
    expect(run.status).toBe(0);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain(
      '| builtin relay, single provider (a) | 100.00% |',
    );
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('exits 104 for a file that is not a result', async () => {
    const file = join(dir, 'other.json');
    await writeFile(file, '{"hello": 1}');
    const run = relaybench('report', file);
    expect(run.status).toBe(104);
    expect(run.stderr).toContain('expected relaybench.result/1');
  });
});
