/**
 * The goodput gate through the CLI: a paced mock streams to a direct target, a scheduled stall
 * makes a known third of the requests miss the TTFT objective, so `goodput: ['rate >= 95%']`
 * fails the run with exit 99; result.json, report.md, report.html and JUnit all carry the serving
 * metrics, the gate and the schedule lag.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/scenario/result/result.js';
import { relaybench } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-goodput-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('goodput gate', () => {
  it('fails the run with exit 99 when too few requests meet the slo, and every output says so', async () => {
    const file = join(dir, 'goodput.yaml');
    await writeFile(
      file,
      `providers: [{ name: paced, ttft: 30ms, per_token: 20ms }]
target: { kind: direct }
load: { rate: 10/s, duration: 3s, timeout: 5s, mix: { stream_ratio: 1, max_tokens: 16 } }
slo: { ttft: 300ms, itl: 200ms }
faults:
  - { provider: paced, type: stall, delay: 600ms, at: 1s, for: 1s }
gates:
  goodput: ['rate >= 95%']
  itl: ['p(50) < 25ms']
`,
    );
    const out = join(dir, 'out');
    const junit = join(dir, 'junit.xml');
    const run = await relaybench(['run', file, '--out', out, '--junit', junit]);
    expect(run.code, run.stderr).toBe(99);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
    const goodput = result.gates.find((g) => g.metric === 'goodput')!;
    expect(goodput.passed).toBe(false);
    expect(goodput.actual).toBeGreaterThan(0.55);
    expect(goodput.actual).toBeLessThan(0.8);
    expect(result.gates.find((g) => g.metric === 'itl')!.passed).toBe(true);
    expect(result.aggregates.serving!.goodput!.share).toBe(goodput.actual);
    expect(result.aggregates.scheduleLag!.p99Ms).toBeGreaterThanOrEqual(0);

    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain('### LLM serving metrics');
    expect(markdown).toMatch(/\| goodput \| all \| .*ms \| .*ms \|/);
    expect(markdown).toContain('slo: ttft 300 ms, itl 200 ms');
    expect(markdown).toContain('### Load generator: schedule lag');
    expect(markdown).toContain('`goodput: rate >= 95%`');
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="table-serving"');
    expect(html).toContain('id="table-schedule-lag"');
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testcase[^>]*name="goodput: rate &gt;= 95%"[^>]*>\s*<failure/);
  }, 90_000);
});
