/**
 * Redis behind the fault plane: with `state: redis` the relays dial Redis through a proxy of its
 * own, so `target: redis` faults cut (`down`), slow (`latency`) or reset the link and are rolled
 * back like any provider's. Probed with real PINGs through the link while the timeline plays.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../../src/chaos/timeline.js';
import { RunFixture } from '../../../src/scenario/fixture/fixture.js';
import { answersPing } from '../../../src/scenario/fixture/redis-service.js';
import { parseScenario } from '../../../src/scenario/schema/loader.js';
import { isAlive } from '../../support/processes.js';
import { redisSkipReason, startTestRedis } from '../../support/redis.js';
import { until } from '../../support/until.js';

const redisMissing = redisSkipReason('test/scenario/fleet/redis-link.test.ts');

const portOf = (hostPort: string): number => Number(hostPort.slice(hostPort.lastIndexOf(':') + 1));

/** PING through the link: its round trip in ms, or undefined when the link does not answer. */
async function pingMs(port: number): Promise<number | undefined> {
  const start = performance.now();
  return (await answersPing(port)) ? performance.now() - start : undefined;
}

describe.skipIf(redisMissing)('the Redis link on the fault plane', () => {
  it('puts down, then latency, on the relays\u2019 link to Redis, and rolls both back', async () => {
    const scenario = parseScenario(
      `providers: [{ name: a, latency: 5ms }]
target: { replicas: 2, state: redis }
load: { rate: 10/s, duration: 10s }
faults:
  - { type: down, target: redis, at: 300ms, for: 1500ms }
  - { type: latency, target: redis, latency: 400ms, at: 2500ms, for: 3s }
`,
      'redis-link.yaml',
    );
    const events: TimelineEvent[] = [];
    const fixture = new RunFixture(scenario, {
      emit: (event) => (event.kind === 'fault' ? events.push(event.event) : undefined),
    });
    let pids: number[] = [];
    {
      await using running = fixture;
      await running.start();
      pids = running.services.map((s) => s.pid);
      expect(running.services.map((s) => s.name)).toContain('redis');
      const port = portOf(running.redisLink!);
      expect(await pingMs(port)).toBeLessThan(300);
      running.timeline().start(performance.now());
      const seen = (kind: string, type: string): boolean =>
        events.some((e) => e.kind === kind && e.fault.type === type && e.fault.provider === 'redis');
      await until(() => seen('applied', 'down'), 5000, 'down applied');
      expect(await pingMs(port)).toBeUndefined();
      await until(() => seen('removed', 'down'), 5000, 'down removed');
      expect(await pingMs(port)).toBeLessThan(300);
      await until(() => seen('applied', 'latency'), 5000, 'latency applied');
      expect(await pingMs(port)).toBeGreaterThan(350);
    }
    // Disposal rolled the latency back before its window ended, then stopped everything, Redis included.
    expect(events.filter((e) => e.kind === 'removed').map((e) => e.fault.type)).toEqual(['down', 'latency']);
    expect(events.filter((e) => e.kind === 'error')).toEqual([]);
    expect(pids.filter((pid) => isAlive(pid))).toEqual([]);
    expect(fixture.cleanupErrors).toEqual([]);
  }, 90_000);

  it('uses an existing Redis at redis.url through the proxy, and leaves it running', async () => {
    const redis = await startTestRedis();
    try {
      const scenario = parseScenario(
        `providers: [{ name: a, latency: 5ms }]
target: { state: redis, redis: { url: "${redis.url}" } }
load: { rate: 10/s, duration: 2s }
faults: [{ type: down, target: redis, at: 200ms, for: 1s }]
`,
        'redis-url.yaml',
      );
      {
        await using running = new RunFixture(scenario, { emit: () => {} });
        await running.start();
        expect(running.services.map((s) => s.name)).not.toContain('redis');
        expect(running.redisLink).not.toBe(`127.0.0.1:${redis.port}`);
        expect(await answersPing(portOf(running.redisLink!))).toBe(true);
      }
      expect(isAlive(redis.pid)).toBe(true);
    } finally {
      await redis.stop();
    }
  }, 60_000);
});
