/**
 * A fleet as the target, on real processes: three relay processes sharing one redis-server the
 * harness starts (behind its own fault-plane proxy), the load spread round robin over them, and
 * every record naming the replica it was sent to. Everything the run started is gone afterwards.
 */
import { describe, expect, it } from 'vitest';
import { playScenario } from '../../../src/scenario/run/play.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { isAlive } from '../../support/processes.js';
import { redisSkipReason } from '../../support/redis.js';

const redisMissing = redisSkipReason('test/scenario/fleet/replicas.test.ts');

describe.skipIf(redisMissing)('a fleet of three replicas sharing a Redis', () => {
  it('starts three relays and a redis-server, spreads requests round robin, and records each replica', async () => {
    const scenario = parseScenario(
      `providers: [{ name: a, latency: 5ms }]
target: { replicas: 3, state: redis }
load: { rate: 30/s, duration: 2s, timeout: 3s }
`,
      'fleet.yaml',
    );
    const outcome = await playScenario(scenario);
    const names = outcome.processes.map((p) => p.name).sort();
    expect(names).toEqual(['fault plane', 'mock a', 'redis', 'relay replica-0', 'relay replica-1', 'relay replica-2']);
    expect(outcome.records).toHaveLength(60);
    for (const record of outcome.records) expect(record.replica).toBe(record.seq % 3);
    const served = [0, 1, 2].map((replica) => outcome.records.filter((r) => r.replica === replica).length);
    expect(served).toEqual([20, 20, 20]);
    expect(outcome.records.filter((r) => r.outcome === 'ok').length).toBeGreaterThanOrEqual(58);
    expect(outcome.processes.filter((p) => isAlive(p.pid))).toEqual([]);
    expect(outcome.cleanupErrors).toEqual([]);
  }, 60_000);

  it('spreads at random (seeded) when spread says so, every replica getting some', async () => {
    const scenario = parseScenario(
      `providers: [{ name: a, latency: 5ms }]
target: { replicas: 2, spread: random }
load: { rate: 40/s, duration: 1s, timeout: 3s }
`,
      'fleet-random.yaml',
    );
    const outcome = await playScenario(scenario);
    const byReplica = [0, 1].map((replica) => outcome.records.filter((r) => r.replica === replica).length);
    expect(byReplica[0]! + byReplica[1]!).toBe(40);
    expect(Math.min(...byReplica)).toBeGreaterThan(5);
    expect(outcome.records.some((r, i) => i > 0 && r.replica === outcome.records[i - 1]!.replica)).toBe(true);
    expect(outcome.processes.map((p) => p.name)).not.toContain('redis');
  }, 60_000);
});
