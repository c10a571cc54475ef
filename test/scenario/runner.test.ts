/**
 * The runner in-process (the CLI tests cover it as a child): whatever happens, every service it
 * started is stopped by the runner itself, not only by the children's parent-death safety net.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startToxiproxyServer } from '../../src/chaos/server.js';
import { FaultPlaneError } from '../../src/errors.js';
import { parseScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/runner.js';
import { isAlive, processesWithMarker } from '../support/processes.js';

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

describe('runScenario', () => {
  it('stops every service it started when the fault plane fails', async () => {
    const marker = `${process.pid}-${Date.now()}`;
    process.env[MARK] = marker; // inherited by every child the runner forks
    const dead = await startToxiproxyServer({ port: 0 });
    await dead.close();
    await expect(runScenario(scenario, { faultPlaneUrl: dead.url })).rejects.toThrow(FaultPlaneError);
    expect(await processesWithMarker(`${MARK}=${marker}`)).toEqual([]);
  });

  it('runs a drill with the embedded fault plane, fails over on `down`, and stops everything', async () => {
    const events: string[] = [];
    const outcome = await runScenario(scenario, {
      onEvent: (event) => {
        if (event.kind === 'fault') events.push(`${event.event.kind} ${event.event.fault.type}`);
      },
    });
    expect(events).toEqual(['applied down', 'removed down']);
    expect(outcome.scheduled).toBe(60);
    expect(outcome.records).toHaveLength(60);
    expect(outcome.processes.map((p) => p.name).sort()).toEqual(['fault plane', 'mock fallback', 'mock primary', 'relay']);
    expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    const window = outcome.windows[0]!;
    expect(window.appliedMs).toBeGreaterThanOrEqual(480);
    expect(window.removedMs! - window.appliedMs!).toBeGreaterThan(800);
    const duringFault = outcome.records.filter((r) => r.intendedMs >= window.appliedMs! + 50 && r.intendedMs < window.removedMs!);
    expect(duringFault.length).toBeGreaterThan(20);
    expect(duringFault.every((r) => r.outcome === 'ok' && r.provider === 'fallback')).toBe(true);
  });
});
