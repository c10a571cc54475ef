/**
 * The runner in-process (the CLI tests cover it as a child): whatever happens, every service it
 * started is stopped by the runner itself, not only by the children's parent-death safety net.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultPlaneClient } from '../../../src/chaos/client.js';
import { startToxiproxyServer } from '../../../src/chaos/server.js';
import { FaultPlaneError } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { playScenario } from '../../../src/scenario/run/play.js';
import { isAlive, processesWithMarker } from '../../support/processes.js';

const MARK = 'RELAYBENCH_RUNNER_TEST';

const scenario = parseScenario(
  `providers:
  - name: primary
    latency: 5ms
  - name: fallback
    latency: 5ms
load:
  rate: 30/s
  duration: 2s
  timeout: 2s
faults:
  - provider: primary
    type: down
    at: 500ms
    for: 1s
`,
  'runner-test.yaml',
);

afterEach(() => {
  delete process.env[MARK];
});

describe('playScenario', () => {
  it('drives the load from several generator threads when load.workers says so', async () => {
    const threaded = parseScenario(
      `providers: [{ name: a, latency: 5ms }]
load: { rate: 60/s, duration: 1500ms, timeout: 2s, workers: 2 }
`,
      'workers.yaml',
    );
    const outcome = await playScenario(threaded);
    expect(outcome.scheduled).toBe(90);
    expect(outcome.records.map((r) => r.seq)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    expect(outcome.records.filter((r) => r.outcome === 'ok').length).toBeGreaterThanOrEqual(88);
    expect(outcome.records.every((r) => r.provider === 'a')).toBe(true);
  });

  it('stops every service it started when the fault plane fails', async () => {
    const marker = `${process.pid}-${Date.now()}`;
    process.env[MARK] = marker; // inherited by every child the runner forks
    const dead = await startToxiproxyServer({ port: 0 });
    await dead.close();
    await expect(playScenario(scenario, { faultPlaneUrl: dead.url })).rejects.toThrow(FaultPlaneError);
    expect(await processesWithMarker(`${MARK}=${marker}`)).toEqual([]);
  });

  it('runs a drill with the embedded fault plane, fails over on `down`, and stops everything', async () => {
    const events: string[] = [];
    const outcome = await playScenario(scenario, {
      onEvent: (event) => {
        if (event.kind === 'fault') events.push(`${event.event.kind} ${event.event.fault.type}`);
      },
    });
    expect(events).toEqual(['applied down', 'removed down']);
    expect(outcome.scheduled).toBe(60);
    expect(outcome.records).toHaveLength(60);
    expect(outcome.processes.map((p) => p.name).sort()).toEqual([
      'fault plane',
      'mock fallback',
      'mock primary',
      'relay',
    ]);
    expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    const window = outcome.windows[0]!;
    expect(window.appliedMs).toBeGreaterThanOrEqual(480);
    expect(window.removedMs! - window.appliedMs!).toBeGreaterThan(500); // 1 s scheduled; confirmations may lag on a busy machine
    const duringFault = outcome.records.filter(
      (r) => r.intendedMs >= window.appliedMs! + 50 && r.intendedMs < window.removedMs!,
    );
    expect(duringFault.length).toBeGreaterThan(20);
    expect(duringFault.every((r) => r.outcome === 'ok' && r.provider === 'fallback')).toBe(true);
  });

  it('fails over on an HTTP fault (503 from the primary mock) in every flap of a repeated fault', async () => {
    const flapping = parseScenario(
      `providers:
  - name: primary
    latency: 5ms
  - name: fallback
    latency: 5ms
load:
  rate: 30/s
  duration: 3s
  timeout: 2s
faults:
  - type: http_status
    provider: primary
    status: 503
    rate: 1
    at: 500ms
    repeat: { on: 700ms, off: 500ms, times: 2 }
`,
      'http-fault.yaml',
    );
    const events: string[] = [];
    const outcome = await playScenario(flapping, {
      onEvent: (event) => {
        if (event.kind === 'fault') events.push(`${event.event.kind} ${event.event.fault.type}`);
      },
    });
    expect(events).toEqual([
      'applied http_status',
      'removed http_status',
      'applied http_status',
      'removed http_status',
    ]);
    expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    expect(outcome.windows.map((w) => [w.type, w.atMs, w.forMs])).toEqual([
      ['http_status', 500, 700],
      ['http_status', 1700, 700],
    ]);
    const first = outcome.windows[0]!;
    const before = outcome.records.filter((r) => r.intendedMs < first.appliedMs! - 50);
    expect(before.length).toBeGreaterThan(8);
    expect(before.every((r) => r.outcome === 'ok' && r.provider === 'primary')).toBe(true);
    for (const window of outcome.windows) {
      expect(window.removedMs! - window.appliedMs!).toBeGreaterThan(500);
      const during = outcome.records.filter(
        (r) => r.intendedMs >= window.appliedMs! + 50 && r.intendedMs < window.removedMs!,
      );
      expect(during.length).toBeGreaterThan(10);
      expect(during.every((r) => r.outcome === 'ok' && r.provider === 'fallback')).toBe(true);
    }
  });
});

describe('playScenario on an external fault plane', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    return child.pid!;
  }

  it('deletes proxies left by dead runs, keeps those of live processes, and deletes its own', async () => {
    const plane = await startToxiproxyServer({ port: 0 });
    try {
      const client = new FaultPlaneClient(plane.url);
      const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
      children.push(live);
      const dead = await deadPid();
      expect(isAlive(dead)).toBe(false);
      await client.createProxy(`relaybench_${dead}_x`, '127.0.0.1:9');
      await client.createProxy(`relaybench_${dead}_1_primary`, '127.0.0.1:9');
      // Our own pid, but a run this process is not running: a crashed process that had our pid.
      await client.createProxy(`relaybench_${process.pid}_999_primary`, '127.0.0.1:9');
      await client.createProxy(`relaybench_${live.pid}_1_primary`, '127.0.0.1:9');
      await client.createProxy('someone_elses_proxy', '127.0.0.1:9');

      const quiet = parseScenario(
        'providers: [{ name: primary, latency: 5ms }]\nload: { rate: 10/s, duration: 500ms, timeout: 2s }\n',
        'quiet.yaml',
      );
      const phases: string[] = [];
      let ownProxies: string[] = [];
      const outcome = await playScenario(quiet, {
        faultPlaneUrl: plane.url,
        onEvent: (event) => {
          if (event.kind === 'phase') phases.push(event.message);
          if (event.kind === 'phase' && event.message.startsWith('load:')) {
            void client.listProxies().then((all) => (ownProxies = all.map((p) => p.name)));
          }
        },
      });
      expect(outcome.records.every((r) => r.outcome === 'ok')).toBe(true);
      const removed = [
        `relaybench_${dead}_x`,
        `relaybench_${dead}_1_primary`,
        `relaybench_${process.pid}_999_primary`,
      ].sort();
      expect(phases).toContain(`removed 3 proxies left by earlier runs: ${removed.join(', ')}`);
      // While it ran, its own proxy carried its pid.
      expect(ownProxies).toContainEqual(
        expect.stringMatching(new RegExp(`^relaybench_${process.pid}_\\d+_\\d{10}_primary$`)),
      );
      const left = (await client.listProxies()).map((p) => p.name).sort();
      expect(left).toEqual([`relaybench_${live.pid}_1_primary`, 'someone_elses_proxy'].sort());
    } finally {
      await plane.close();
    }
  });
});
