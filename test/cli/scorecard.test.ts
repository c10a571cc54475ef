/**
 * `relaybench scorecard` as a user runs it: a child process, one mode against our relay with
 * single requests (the table on stdout, progress on stderr, scorecard.md and .json written,
 * exit 0), and bad flags refused with 104 naming the flag.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScorecardResult } from '../../src/scorecard/run-scorecard.js';
import { relaybench } from '../support/cli.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('relaybench scorecard', () => {
  it('prints and writes the verdict table and exits 0 when no mode fails', async () => {
    const out = await mkdtemp(join(tmpdir(), 'relaybench-scorecard-cli-'));
    dirs.push(out);
    const run = await relaybench(['scorecard', '--modes', 'refused', '--under-load', 'off', '--out', out]);
    expect(run.stderr).toContain('relaybench: [1/1] single (2/s): refused: connections refused: the host is down');
    expect(run.stderr).toMatch(/ {2}pass: \d+ in window; \d+ complete/);
    expect(run.stdout).toContain('### Single requests (2/s)');
    expect(run.stdout).toMatch(
      /\| `refused` \(connections refused: the host is down\) \| \*\*pass\*\* \| fallback \d+/,
    );
    expect(run.code).toBe(0);
    const written = JSON.parse(await readFile(join(out, 'scorecard.json'), 'utf8')) as ScorecardResult;
    expect(written.results.map((r) => [r.mode, r.pace, r.verdict])).toEqual([['refused', 'single', 'pass']]);
    expect(await readFile(join(out, 'scorecard.md'), 'utf8')).toContain('1 mode run(s): 1 pass, 0 safe, 0 fail.');
  }, 90_000);

  it.each([
    [['--modes', 'reset,nope'], /--modes: unknown mode\(s\) nope; modes: refused, reset/],
    [['--under-load', 'fast'], /--under-load: expected a rate above 2\/s such as 50\/s \(or off\), got "fast"/],
    [
      ['--target', 'gateway.json'],
      /--target: "gateway.json": expected builtin, an http\(s\) URL or a \.yaml target file/,
    ],
    [['--target', 'http://10.1.2.3:4000', '--under-load', 'off'], /10\.1\.2\.3/],
    [
      ['--target', 'http://127.0.0.1:9', '--under-load', 'off'],
      /--target: "http:\/\/127\.0\.0\.1:9": nothing answers there \(ECONNREFUSED\); start the gateway first/,
    ],
  ])('refuses %j with 104 and says why', async (args, message) => {
    const run = await relaybench(['scorecard', ...args]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(104);
  });
});
