/**
 * `run` flags (--seed, --duration-scale, --junit, --baseline) and `compare`, through the CLI as a
 * user runs it: real child processes and sockets, scenarios of 3 s.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { findAll, parseXml } from '../report/xml-well-formed.js';
import { relaybench as run } from '../support/cli.js';

const relaybench = (args: string[], env: Record<string, string> = {}) => run(args, { env });

const SCENARIO = `name: flags
seed: 7
providers:
  - name: primary
    latency: 10ms
  - name: fallback
    latency: 15ms
target:
  chain: [primary, fallback]
  attempt_timeout: 1s
  policies: { breaker: { openMs: 300, rampMs: 0 } }
load:
  rate: 40/s
  duration: 5s
  timeout: 3s
faults:
  - provider: primary
    type: reset_peer
    at: 1.5s
    for: 2s
gates:
  success_rate: ['rate >= 99%']
  'latency{phase:baseline}': ['p(99) < 2s']
  failed: ['count >= 0']
`;

let dir: string;
let faultPlane: RunningToxiproxyServer;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-flags-'));
  faultPlane = await startToxiproxyServer({ port: 0 });
  env = { TOXIPROXY_URL: faultPlane.url };
});
afterAll(async () => {
  await faultPlane?.close();
  await rm(dir, { recursive: true, force: true });
});

async function readResult(path: string): Promise<RunResult> {
  return JSON.parse(await readFile(path, 'utf8')) as RunResult;
}

describe('run --seed --duration-scale --junit, then --baseline and compare', () => {
  let baseline: string;

  it('scales the drill, overrides the seed, writes one JUnit testcase per gate and exits 0', async () => {
    const file = join(dir, 'flags.yaml');
    const out = join(dir, 'out-a');
    const junit = join(dir, 'junit', 'a.xml');
    await writeFile(file, SCENARIO);
    const run = await relaybench(
      ['run', file, '--out', out, '--seed', '9', '--duration-scale', '0.6', '--junit', junit],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = await readResult(join(out, 'result.json'));
    baseline = join(out, 'result.json');
    expect(result.scenario.seed).toBe(9);
    expect(result.scenario.load.duration).toBe(3000);
    expect(result.aggregates.scheduled).toBe(120); // 40/s for 3 s
    expect(result.faults[0]!.atMs).toBe(900);
    expect(result.faults[0]!.forMs).toBe(1200);
    expect(result.faults[0]!.appliedMs).toBeGreaterThanOrEqual(850);

    const xml = parseXml(await readFile(junit, 'utf8'));
    const cases = findAll(xml, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual([
      'success_rate: rate >= 99%',
      'latency{phase:baseline}: p(99) < 2s',
      'failed: count >= 0',
    ]);
    expect(findAll(xml, 'failure')).toEqual([]);
    // The console has the short summary; report.md keeps everything.
    expect(run.stdout).toMatch(/^## \S+: PASSED$/m);
    expect(run.stdout).toContain('| Configuration | Success Rate |');
    expect(run.stdout).toContain('### Gates');
    expect(run.stdout).toContain(
      `Full report (by phase, by provider, relay events, cost tables): ${join(out, 'result.json')}`,
    );
    expect(run.stdout).not.toContain('### By provider');
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('### By provider');
  });

  it('--baseline adds regression gates to the report and JUnit, and exits 99 on a regression', async () => {
    // A baseline that is impossibly good: p99 of 1 ms and 100% success.
    const good = await readResult(baseline);
    good.aggregates.latency.p99Us = 1000;
    good.aggregates.successRate = 1;
    // Edited figures without the histogram they came from: the ceiling is the tolerance alone
    // (with it, the sample's own p99 interval would widen the ceiling: percentile-interval.test.ts).
    good.aggregates.latencyHistogram = '';
    const goodFile = join(dir, 'good.json');
    await writeFile(goodFile, JSON.stringify(good));
    const junit = join(dir, 'b.xml');
    const run = await relaybench(
      [
        'run',
        join(dir, 'flags.yaml'),
        '--out',
        join(dir, 'out-b'),
        '--duration-scale',
        '0.6',
        '--baseline',
        goodFile,
        '--baseline-tolerance',
        '5%',
        '--junit',
        junit,
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(99);
    expect(run.stdout).toMatch(
      /\| `latency: p\(99\) <= 1\.05ms \(baseline 1\.0 ms \+5%\)` \(baseline\) \| [^|]+ \| \*\*FAIL\*\* \|/,
    );
    const xml = parseXml(await readFile(junit, 'utf8'));
    expect(findAll(xml, 'testcase')).toHaveLength(5);
    const failures = findAll(xml, 'failure').map((f) => f.attributes.message);
    expect(failures.some((m) => /^measured .+; expected latency p\(99\) <= 1\.05ms/.test(m ?? ''))).toBe(true);
  });

  it('compare: a table with deltas, exit 0 without regression and 99 with one', async () => {
    const same = await relaybench(['compare', baseline, baseline]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('| Metric | A | B | Δ (B − A) | Regression |');
    expect(same.stdout).toContain('No regression.');

    // Edited point figures without their histograms: compared by the tolerance alone (sampling
    // noise from the histograms is covered in percentile-interval.test.ts).
    const plain = await readResult(baseline);
    plain.aggregates.latencyHistogram = '';
    const plainFile = join(dir, 'plain.json');
    await writeFile(plainFile, JSON.stringify(plain));
    const worse = await readResult(plainFile);
    worse.aggregates.latency.p99Us *= 2;
    worse.aggregates.successRate -= 0.05;
    const worseFile = join(dir, 'worse.json');
    await writeFile(worseFile, JSON.stringify(worse));
    const compared = await relaybench(['compare', plainFile, worseFile]);
    expect(compared.code, compared.stderr).toBe(99);
    expect(compared.stdout).toMatch(/\| Latency p99 \| .+ \| .+ \| \+.+ \(\+100\.0%\) \| \*\*REGRESSION\*\* \|/);
    expect(compared.stdout).toMatch(/\| Success rate \| .+ \| −5\.00 pp \| \*\*REGRESSION\*\* \|/);
    expect(compared.stdout).toContain('**2 regression(s)**');
  });
});

describe('invalid flags and files exit 104', () => {
  it.each([
    [['--duration-scale', '0'], /--duration-scale: expected a number > 0/],
    [['--seed', '-1'], /--seed: expected a non-negative integer/],
    [['--baseline-tolerance', 'lots'], /--baseline-tolerance: expected a percentage such as 10%, got "lots"/],
    [['--baseline', 'missing.json'], /missing\.json: not a readable baseline result\.json/],
    [['--prices', 'missing-prices.json'], /--prices: price book .*missing-prices\.json: not found/],
  ])('run %j', async (flags, message) => {
    const file = join(dir, 'valid.yaml');
    await writeFile(file, SCENARIO);
    const run = await relaybench(['run', file, ...flags]);
    expect(run.code).toBe(104);
    expect(run.stderr).toMatch(message);
  });

  it('compare with a file that is not a result', async () => {
    const file = join(dir, 'not-a-result.json');
    await writeFile(file, '{"format":"something else"}');
    const run = await relaybench(['compare', file, file]);
    expect(run.code).toBe(104);
    expect(run.stderr).toMatch(/format "something else", expected relaybench\.result\/1/);
  });
});
