/**
 * Issue 13: the exact-match cache shared by a fleet (`state.redis.cache: true`). An answer cached
 * by relay A is served by relay B without an upstream call; without `cache: true` it is not.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { chatBody, closeAll, openaiAny, startTestRelay, startUpstream } from '../e2e/support.js';
import { fleetState, within } from './support.js';

afterEach(closeAll);

describe.skipIf(redisSkipReason('shared-cache.test.ts'))('the cache shared through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await startTestRedis()));
  afterAll(() => redis.stop());

  async function fleet(shareCache: boolean) {
    const upstream = await startUpstream(openaiAny('cached answer'));
    const state = fleetState(redis.url);
    const config = {
      providers: [{ name: 'p', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { m: { chain: [{ provider: 'p', model: 'x' }] } },
      policies: { cache: { enabled: true } },
      state: { redis: { ...state.redis, cache: shareCache } },
    };
    const [a, b] = await Promise.all([startTestRelay(config), startTestRelay(config)]);
    return { upstream, a: a!, b: b!, prefix: state.redis.keyPrefix };
  }

  it('an answer cached on A is a hit on B, with no upstream call', async () => {
    const { upstream, a, b, prefix } = await fleet(true);
    const body = chatBody('m', { temperature: 0 });
    const first = await a.chat(body);
    expect(first.header('x-relay-cache')).toBe('miss');
    expect(upstream.count).toBe(1);
    const store = new Redis(redis.url); // A writes to Redis asynchronously: wait until the entry is there
    await within(2_000, async () => (await store.keys(`${prefix}cache:*`)).length === 1);
    store.disconnect();
    const second = await b.chat(body);
    expect(second.header('x-relay-cache')).toBe('hit');
    expect(second.json()).toEqual(first.json());
    expect(upstream.count).toBe(1);
    const third = await b.chat(body); // now in B's local cache too
    expect(third.header('x-relay-cache')).toBe('hit');
  });

  it('without cache: true each relay caches on its own', async () => {
    const { upstream, a, b } = await fleet(false);
    const body = chatBody('m', { temperature: 0 });
    expect((await a.chat(body)).header('x-relay-cache')).toBe('miss');
    expect((await b.chat(body)).header('x-relay-cache')).toBe('miss');
    expect(upstream.count).toBe(2);
  });
});
