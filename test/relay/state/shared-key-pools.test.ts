/**
 * Issue 13: key-pool cooldowns shared by a fleet. A key that met a 429 (Retry-After 30 s) on relay
 * A is not used by relay B either: the mock, which meters each key apart, sees it once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider } from '../../../src/mock/provider.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { chatBody, closeAll, onCleanup, startTestRelay } from '../e2e/support.js';
import { fleetState, sample, within } from './support.js';

afterEach(closeAll);

const KEYS = { SHARED_KP_A: 'kp-shared-key-aaaa', SHARED_KP_B: 'kp-shared-key-bbbb' };

describe.skipIf(redisSkipReason('shared-key-pools.test.ts'))('key pools shared through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    Object.assign(process.env, KEYS);
    redis = await startTestRedis();
  });
  afterAll(async () => {
    for (const name of Object.keys(KEYS)) delete process.env[name];
    await redis.stop();
  });

  it('a key cooled down on A is left alone by B within the bound', async () => {
    const provider = await startMockProvider({ name: 'kp', latencyMs: 1 });
    onCleanup(() => provider.close());
    provider.control.faults.add({
      effect: { kind: 'key_rate_limit', key: 'bbbb', retryAfter: 30 },
      rate: 1,
      forMs: undefined,
    });
    const config = {
      providers: [
        {
          name: 'pooled',
          dialect: 'openai',
          baseUrl: `${provider.url}/v1`,
          apiKeyEnvs: Object.keys(KEYS),
          keySelection: 'round-robin',
        },
      ],
      models: { m: { chain: [{ provider: 'pooled', model: 'gpt-4.1-mini' }] } },
      state: fleetState(redis.url),
    };
    const [a, b] = await Promise.all([startTestRelay(config), startTestRelay(config)]);
    const tails = (): string[] => provider.control.log.entries(0).map((entry) => entry.keyTail ?? '-');

    // Round robin on A: key A, then key B (429, cooled for 30 s; the request moves to key A).
    for (let i = 0; i < 2; i++) expect((await a!.chat(chatBody('m'))).status).toBe(200);
    expect(tails().filter((tail) => tail === 'bbbb')).toHaveLength(1);
    const ms = await within(
      2_000,
      async () => (await sample(b!, 'relay_state_shared_updates_total{kind="key"}')) === 1,
    );
    expect(ms).toBeLessThan(500); // the documented 100 ms, with room for a loaded machine

    // Round robin on B would use key B every other request; it never does.
    for (let i = 0; i < 8; i++) expect((await b!.chat(chatBody('m'))).status).toBe(200);
    expect(tails().filter((tail) => tail === 'bbbb')).toHaveLength(1);
    expect(tails().filter((tail) => tail === 'aaaa').length).toBeGreaterThanOrEqual(10);
    const ready = (await b!.get('/ready')).json();
    expect(ready.keys.pooled[1]).toMatchObject({ env: 'SHARED_KP_B', state: 'cooling' });
  });
});
