/** Abort-on-fail gates, through the CLI: the load stops early, the report says why, exit 99. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import type { RunResult } from '../../src/scenario/result/result.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-abort-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('abort_on_fail', () => {
  it('stops the load once the gate fails after its delay, writes what was measured and exits 99', async () => {
    const file = join(dir, 'abort.yaml');
    await writeFile(
      file,
      `providers: [{ name: only, latency: 5ms }]
load: { rate: 20/s, duration: 30s, timeout: 2s }
faults: [{ provider: only, type: down, at: 1s, for: 28s }]
gates:
  success_rate:
    - { threshold: 'rate >= 90%', abort_on_fail: true, delay_abort_eval: 3s }
`,
    );
    const out = join(dir, 'out');
    const started = Date.now();
    const run = spawnSync(process.execPath, [CLI, 'run', file, '--out', out], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(99);
    // A load that was not stopped takes its 30 s plus start-up; start-up alone took up to ~21 s on a
    // loaded 2-core machine, so the bound is the load's own length, not a guess at start-up time.
    expect(Date.now() - started).toBeLessThan(30_000);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(result.abortedBy).toMatch(/success_rate.*rate >= 90%/);
    expect(result.interrupted).toBe(false);
    expect(result.aggregates.accountingHolds).toBe(true);
    expect(result.aggregates.scheduled).toBeLessThan(300);
    expect(run.stdout).toContain('**Stopped early**');
  });
});
