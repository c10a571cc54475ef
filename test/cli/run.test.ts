/**
 * The CLI end to end, as a user runs it: real child processes, the embedded fault plane, real
 * sockets. Scenarios are short versions of the smoke drills so the suite stays fast.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToxiproxyServer, type RunningToxiproxyServer } from '../../src/chaos/server.js';
import type { RunResult } from '../../src/scenario/result/result.js';
import { relaybench } from '../support/cli.js';
import { isAlive, processesWithMarker } from '../support/processes.js';

function scenario(chain: string[], extra = ''): string {
  return `name: cli-${chain.length}
seed: 7
providers:
  - name: primary
    latency: 10ms
  - name: fallback
    latency: 15ms
target:
  chain: [${chain.join(', ')}]
  attempt_timeout: 1s
  # The recovery phase is short here: let the breaker close and ramp back quickly.
  policies: { breaker: { openMs: 300, rampMs: 0 } }
load:
  rate: 40/s
  duration: 5s
  # Unrecorded: a cold relay's first attempts on a loaded machine can pass the 1 s attempt
  # timeout and fail over before any fault (6 of 66 baseline requests once, in a full CI run).
  warmup: 1s
  timeout: 3s
faults:
  - provider: primary
    type: reset_peer
    at: 1.5s
    for: 2s
gates:
  success_rate: ['rate >= 99%']
${extra}`;
}

let dir: string;
let faultPlane: RunningToxiproxyServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaybench-cli-'));
  // An external fault plane the test can inspect after each run (as TOXIPROXY_URL users would).
  faultPlane = await startToxiproxyServer({ port: 0 });
});
afterAll(async () => {
  await faultPlane?.close();
  await rm(dir, { recursive: true, force: true });
});

async function proxiesLeft(): Promise<unknown> {
  const response = await fetch(`${faultPlane.url}/proxies`);
  return response.json();
}

async function readResult(out: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult;
}

describe('relaybench run', () => {
  it('fails over during the fault, returns to the primary after it, and exits 0', async () => {
    const file = join(dir, 'chain.yaml');
    const out = join(dir, 'out-chain');
    await writeFile(file, scenario(['primary', 'fallback'], "  failover_time: ['max < 2s']"));
    const run = await relaybench(['run', file, '--out', out], { env: { TOXIPROXY_URL: faultPlane.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '| Configuration | Success Rate | Avg Failures/1K | Worst Case Recovery | Requests | p50 | p95 | p99 | Failover time |',
    );

    const result = await readResult(out);
    const a = result.aggregates;
    expect(a.scheduled).toBe(200);
    expect(a.accountingHolds).toBe(true);
    expect(a.successRate).toBeGreaterThanOrEqual(0.99);
    // A request in flight at the onset may be failed over although it started in the baseline.
    expect(a.phases.baseline.servedBy.primary ?? 0).toBeGreaterThanOrEqual(a.phases.baseline.ok - 2);
    expect(a.phases.fault.servedBy.fallback ?? 0).toBeGreaterThan(a.phases.fault.requests * 0.8);
    expect(a.phases.recovery.servedBy.primary ?? 0).toBeGreaterThan(a.phases.recovery.requests * 0.8);
    expect(result.faults[0]!.appliedMs).toBeGreaterThanOrEqual(1450);
    expect(result.faults[0]!.removedMs).toBeGreaterThanOrEqual(3450);
    expect(a.windows[0]!.failoverMs).toBeLessThan(2000);
    expect(a.latencyHistogram.length).toBeGreaterThan(10);
    // The relay's own breaker, on the load's clock: it opened during the fault, not before.
    const opened = a.relayEvents.find((e) => e.type === 'breaker' && e.to === 'open');
    expect(opened?.atMs).toBeGreaterThanOrEqual(1400);
    expect(opened?.atMs).toBeLessThan(3600);

    expect(await proxiesLeft()).toEqual({});
    expect(result.processes.length).toBe(3); // two mocks and the relay (the fault plane was external)
    expect(result.processes.filter((p) => isAlive(p.pid))).toEqual([]);
  });

  it('shows the outage without a fallback and exits 99 because its gate fails', async () => {
    const file = join(dir, 'single.yaml');
    const out = join(dir, 'out-single');
    await writeFile(file, scenario(['primary']));
    const run = await relaybench(['run', file, '--out', out], { env: { TOXIPROXY_URL: faultPlane.url } });
    expect(run.code, run.stderr).toBe(99);
    expect(await proxiesLeft()).toEqual({});
    expect(run.stdout).toContain('**FAIL**');

    const result = await readResult(out);
    const a = result.aggregates;
    expect(a.successRate).toBeLessThan(0.95);
    // The failures are inside the fault window, plus the relay's breaker open time (300 ms here)
    // after it: with one target an open breaker answers 503 until its probe succeeds.
    expect(a.phases.fault.failed).toBeGreaterThan(a.phases.fault.requests * 0.8);
    const window = result.faults[0]!;
    const outside = a.fineSlices.filter(
      (s) => s.startMs + 250 <= window.appliedMs! - 250 || s.startMs >= window.removedMs! + 1000,
    );
    expect(outside.reduce((n, s) => n + s.failed, 0)).toBeLessThanOrEqual(3); // requests in flight at the edges
    expect(result.processes.length).toBe(3); // two mocks and the relay
    expect(result.processes.filter((p) => isAlive(p.pid))).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s mid-fault rolls back every fault, stops every process and writes a partial result',
    async (signal) => {
      const file = join(dir, `interrupted-${signal}.yaml`);
      const out = join(dir, `out-interrupted-${signal}`);
      await writeFile(
        file,
        scenario(['primary', 'fallback']).replace('duration: 5s', 'duration: 30s').replace('for: 2s', 'for: 20s'),
      );
      const run = await relaybench(['run', file, '--out', out], {
        env: { TOXIPROXY_URL: faultPlane.url },
        interruptAfter: (stderr) => / on primary applied/.test(stderr),
        signal,
      });
      expect(run.code, run.stderr).toBe(130);
      const result = await readResult(out);
      expect(result.interrupted).toBe(true);
      expect(result.aggregates.accountingHolds).toBe(true);
      expect(result.aggregates.scheduled).toBeGreaterThan(0);
      expect(result.faults[0]!.removedMs).toBeDefined();
      expect(await proxiesLeft()).toEqual({});
      expect(result.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    },
  );
});

describe('a second Ctrl-C', () => {
  it('forces the exit but still rolls back the faults', async () => {
    const file = join(dir, 'forced.yaml');
    await writeFile(
      file,
      scenario(['primary', 'fallback']).replace('duration: 5s', 'duration: 30s').replace('for: 2s', 'for: 20s'),
    );
    const started = Date.now();
    const run = await relaybench(['run', file, '--out', join(dir, 'out-forced')], {
      env: { TOXIPROXY_URL: faultPlane.url },
      interruptAfter: (stderr) => / on primary applied/.test(stderr),
      twice: true,
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('forcing');
    expect(await proxiesLeft()).toEqual({});
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('a harness error', () => {
  it('exits 1 with a clear message and leaves no process behind', async () => {
    const file = join(dir, 'dead-fault-plane.yaml');
    await writeFile(file, scenario(['primary', 'fallback']));
    const unused = await startToxiproxyServer({ port: 0 });
    await unused.close(); // a fault plane address nobody listens on
    const marker = `RELAYBENCH_TEST_MARK=${process.pid}-${Date.now()}`;
    const [key, value] = marker.split('=') as [string, string];
    const run = await relaybench(['run', file], { env: { TOXIPROXY_URL: unused.url, [key]: value } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/fault plane at http:\/\/127\.0\.0\.1:\d+: could not/);
    expect(await processesWithMarker(marker)).toEqual([]);
  });
});

describe('invalid input exits 104', () => {
  it.each([
    [
      'an unknown key',
      (s: string) => s.replace('seed: 7', 'seed: 7\nsede: 8'),
      /bad\.yaml:3:1: field 'sede': unknown key/,
    ],
    [
      'a malformed duration',
      (s: string) => s.replace('duration: 5s', 'duration: five'),
      /bad\.yaml:\d+:\d+: field 'load\.duration': expected a duration/,
    ],
  ])('names file, line and field for %s', async (_what, edit, message) => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, edit(scenario(['primary'])));
    const run = await relaybench(['run', file]);
    expect(run.code).toBe(104);
    expect(run.stderr).toMatch(message);
  });

  it('says clearly that a file is missing', async () => {
    const run = await relaybench(['run', join(dir, 'missing.yaml')]);
    expect(run.code).toBe(104);
    expect(run.stderr).toContain('scenario file not found');
  });
});
