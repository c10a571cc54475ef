/**
 * `kill_replica` on real processes: one relay of three is SIGKILLed mid-load and a fresh one starts
 * on its port after `for`. Requests sent to it while it is down fail; the other replicas serve
 * everything; once it is back it serves again; nothing is left running.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../../src/chaos/timeline.js';
import { playScenario } from '../../../src/scenario/run/play.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { isAlive } from '../../support/processes.js';

describe('kill_replica', () => {
  it('kills one replica at `at`: its requests fail, the fleet carries on, and it comes back after `for`', async () => {
    const scenario = parseScenario(
      `providers: [{ name: a, latency: 5ms }]
target: { replicas: 3 }
load: { rate: 15/s, duration: 15s, timeout: 3s }
faults: [{ type: kill_replica, replica: 1, at: 1s, for: 1s }]
`,
      'kill-replica.yaml',
    );
    const events: TimelineEvent[] = [];
    const outcome = await playScenario(scenario, {
      onEvent: (event) => (event.kind === 'fault' ? events.push(event.event) : undefined),
    });
    expect(events.map((e) => `${e.kind} ${e.fault.type} ${e.fault.provider}`)).toEqual([
      'applied kill_replica replica-1',
      'removed kill_replica replica-1',
    ]);
    const [window] = outcome.windows;
    const killedAt = window!.appliedMs!;
    const backAt = window!.removedMs!;
    // A relay boots in 2-6 s on a busy 2-core box: the load runs long enough to see it back.
    expect(backAt).toBeLessThan(14_000);
    expect(killedAt).toBeGreaterThanOrEqual(1000);
    expect(backAt).toBeGreaterThan(killedAt);
    // The rest of the fleet carries on: replicas 0 and 2 serve every request.
    const others = outcome.records.filter((r) => r.replica !== 1);
    expect(others.filter((r) => r.outcome !== 'ok')).toEqual([]);
    const killed = outcome.records.filter((r) => r.replica === 1);
    const whileDown = killed.filter((r) => r.intendedMs > killedAt + 50 && r.intendedMs < Math.min(2000, backAt));
    expect(whileDown.length).toBeGreaterThanOrEqual(3);
    expect(whileDown.every((r) => r.outcome === 'failed')).toBe(true);
    const before = killed.filter((r) => r.endMs < killedAt - 50);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((r) => r.outcome === 'ok')).toBe(true);
    // The restarted replica (same port, new process) serves again.
    const after = killed.filter((r) => r.intendedMs > backAt + 200);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.outcome === 'ok')).toBe(true);
    // Four relay processes in all (one restart), none left.
    expect(outcome.processes.filter((p) => p.name === 'relay replica-1')).toHaveLength(2);
    expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
  }, 120_000);
});
