/**
 * Issue 13: breaker state and Retry-After cooldowns shared by a fleet through a real Redis. A
 * breaker opened (or a cooldown set) on relay A stops relay B's attempts on that target within
 * the documented bound of 100 ms (asserted with room for a loaded machine), counted at the upstream itself.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { chatBody, closeAll, openaiAny, openaiError, startTestRelay, startUpstream, status } from '../e2e/support.js';
import { deadThenBackup, sample, within } from './support.js';

/**
 * The documented bound is 100 ms (pub/sub on a healthy host converges in a few ms); the assertions
 * allow five times that, since these tests share two cores with everything else CI runs.
 */
const BOUND_MS = 500;

afterEach(closeAll);

describe.skipIf(redisSkipReason('shared-breaker.test.ts'))('breakers and cooldowns shared through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await startTestRedis()));
  afterAll(() => redis.stop());

  async function fleetOf(n: number, dead: string, backup: string) {
    const config = deadThenBackup(
      dead,
      backup,
      { breaker: { consecutiveFailures: 3, openMs: 30_000 }, retry: { sameTarget: 0 } },
      redis.url,
    );
    return Promise.all(Array.from({ length: n }, () => startTestRelay(config)));
  }

  it("a breaker opened on A stops B's attempts on that target within the bound", async () => {
    const dead = await startUpstream(status(500, openaiError('down')));
    const backup = await startUpstream(openaiAny('from backup'));
    const [a, b] = await fleetOf(2, dead.origin, backup.origin);

    // Control: B does send to the dead target while no breaker is open.
    expect((await b!.chat(chatBody('m'))).status).toBe(200);
    expect(dead.count).toBe(1);

    for (let i = 0; i < 3; i++) expect((await a!.chat(chatBody('m'))).status).toBe(200);
    expect(dead.count).toBe(4);
    const converged = await within(
      2_000,
      async () => (await sample(b!, 'relay_breaker_transitions_total{target="dead/x",to="open"}')) === 1,
    );
    expect(converged).toBeLessThan(BOUND_MS);

    for (let i = 0; i < 10; i++) expect((await b!.chat(chatBody('m'))).status).toBe(200);
    expect(dead.count).toBe(4); // B never tried the dead target again
    expect(await sample(b!, 'relay_state_shared_updates_total{kind="breaker"}')).toBe(1);
    expect((await b!.get('/ready')).json()).toMatchObject({
      status: 'ready',
      state: { store: 'redis', redis: 'connected' },
    });
  });

  it('a relay started later learns the open breaker from Redis', async () => {
    const dead = await startUpstream(status(500, openaiError('down')));
    const backup = await startUpstream(openaiAny('from backup'));
    const config = deadThenBackup(
      dead.origin,
      backup.origin,
      { breaker: { consecutiveFailures: 2, openMs: 30_000 } },
      redis.url,
    );
    const a = await startTestRelay(config);
    for (let i = 0; i < 2; i++) await a.chat(chatBody('m'));
    expect(dead.count).toBe(2);
    const store = new Redis(redis.url); // the key is written asynchronously: wait until it is there
    await within(2_000, async () => (await store.exists(`${config.state.redis.keyPrefix}breaker:dead/x`)) === 1);
    store.disconnect();
    const late = await startTestRelay(config);
    for (let i = 0; i < 5; i++) expect((await late.chat(chatBody('m'))).status).toBe(200);
    expect(dead.count).toBe(2);
  });

  it("a Retry-After cooldown set on A keeps B's requests off that target within the bound", async () => {
    const limited = await startUpstream(
      status(429, openaiError('slow down', 'rate_limit_error'), { 'retry-after': '30' }),
    );
    const backup = await startUpstream(openaiAny('from backup'));
    const [a, b] = await fleetOf(2, limited.origin, backup.origin);

    expect((await a!.chat(chatBody('m'))).status).toBe(200);
    expect(limited.count).toBe(1);
    await within(2_000, async () => (await sample(b!, 'relay_state_shared_updates_total{kind="cooldown"}')) === 1).then(
      (ms) => expect(ms).toBeLessThan(BOUND_MS),
    );
    for (let i = 0; i < 10; i++) expect((await b!.chat(chatBody('m'))).status).toBe(200);
    expect(limited.count).toBe(1);
  });
});
