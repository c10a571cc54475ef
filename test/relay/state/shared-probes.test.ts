/**
 * Half-open probes coordinated across a fleet through a real Redis: while a target stays dead,
 * bursts that reach every replica at once still send one probe per open period to it (not one per
 * replica); when it is back, one replica's successful probe ends the open period on the others.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import {
  chatBody,
  closeAll,
  openaiAny,
  openaiError,
  sleep,
  startTestRelay,
  startUpstream,
  status,
} from '../e2e/support.js';
import { deadThenBackup, sample, within } from './support.js';

afterEach(closeAll);

const OPEN_MS = 1_200;

describe.skipIf(redisSkipReason('shared-probes.test.ts'))('half-open probes coordinated through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await startTestRedis()));
  afterAll(() => redis.stop());

  it('one probe per open period across three replicas, and a successful probe reopens the target everywhere', async () => {
    const dead = await startUpstream(status(500, openaiError('down')));
    const backup = await startUpstream(openaiAny('from backup'));
    const config = deadThenBackup(
      dead.origin,
      backup.origin,
      {
        breaker: { consecutiveFailures: 1, openMs: OPEN_MS, halfOpenSuccesses: 1, rampMs: 0 },
        retry: { sameTarget: 0 },
      },
      redis.url,
    );
    const fleet = await Promise.all([startTestRelay(config), startTestRelay(config), startTestRelay(config)]);
    const opened = (relay: (typeof fleet)[number]) =>
      sample(relay, 'relay_breaker_transitions_total{target="dead/x",to="open"}');

    expect((await fleet[0]!.chat(chatBody('m'))).status).toBe(200); // fails over: the breaker opens fleet-wide
    for (const relay of fleet) await within(2_000, async () => (await opened(relay)) >= 1);
    const before = dead.count;
    const started = performance.now();
    // Bursts reaching all three replicas at once: without coordination each would probe at every expiry.
    while (performance.now() - started < 2 * OPEN_MS) {
      const burst = await Promise.all(fleet.map((relay) => relay.chat(chatBody('m'))));
      expect(burst.map((reply) => reply.status)).toEqual([200, 200, 200]);
      await sleep(20);
    }
    const periods = Math.ceil((performance.now() - started) / OPEN_MS);
    const probes = dead.count - before;
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(periods + 1); // uncoordinated: about 3 per period

    // The target is back: one replica's probe closes it, and its news ends the others' open period
    // at once (without it they would hold on until their own open period ended, ~OPEN_MS later).
    dead.behave(openaiAny('from dead'));
    const served = (relay: (typeof fleet)[number]) =>
      sample(relay, 'relay_attempts_total{target="dead/x",outcome="ok"}');
    let first: number | undefined;
    await within(OPEN_MS * 4, async () => {
      await Promise.all(fleet.map((relay) => relay.chat(chatBody('m'))));
      const ok = await Promise.all(fleet.map(served));
      if (first === undefined && ok.some((n) => n >= 1)) first = performance.now();
      return ok.every((n) => n >= 1);
    });
    expect(performance.now() - first!).toBeLessThan(OPEN_MS / 2);
  });
});
