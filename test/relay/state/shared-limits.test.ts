/**
 * Issue 13: per-key request rates exact fleet-wide (one Lua script per check), and USD budgets
 * fleet-wide that survive a relay restart, on three real relays sharing one real redis-server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/relay/front-door/auth.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { chatBody, closeAll, openaiAny, sleep, startTestRelay, startUpstream } from '../e2e/support.js';
import { fleetState } from './support.js';

afterEach(closeAll);

const TOKEN = 'team-token';
const bearer = { headers: { authorization: `Bearer ${TOKEN}` } };

describe.skipIf(redisSkipReason('shared-limits.test.ts'))('key rates and budgets shared through Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await startTestRedis()));
  afterAll(() => redis.stop());

  function config(origin: string, key: Record<string, unknown>, state = fleetState(redis.url)) {
    return {
      auth: { keys: [{ id: 'team', sha256: hashToken(TOKEN), ...key }] },
      providers: [{ name: 'p', dialect: 'openai', baseUrl: `${origin}/v1` }],
      // 10 + 5 tokens at $1000 per million: $0.015 per answer.
      models: { m: { chain: [{ provider: 'p', model: 'x', price: { input: 1_000, output: 1_000 } }] } },
      state,
    };
  }

  it('a 60/min key rate lets exactly 60 requests through across three relays', async () => {
    const upstream = await startUpstream(openaiAny('ok', { prompt: 1, completion: 1 }));
    const shared = config(upstream.origin, { requestsPerMinute: 60 }); // one config: one key prefix
    const fleet = await Promise.all([startTestRelay(shared), startTestRelay(shared), startTestRelay(shared)]);
    const started = performance.now();
    // 90 requests at once, round robin over the replicas.
    const replies = await Promise.all(Array.from({ length: 90 }, (_, i) => fleet[i % 3]!.chat(chatBody('m'), bearer)));
    const statuses = replies.map((reply) => reply.status);
    const elapsedS = (performance.now() - started) / 1000;
    const passed = statuses.filter((s) => s === 200).length;
    // The bucket refills one request per second: exactly 60 when the run took under a second.
    const refill = Math.floor(elapsedS);
    expect(passed).toBeGreaterThanOrEqual(60);
    expect(passed).toBeLessThanOrEqual(60 + refill);
    if (refill === 0) expect(passed).toBe(60);
    expect(statuses.filter((s) => s === 429).length).toBe(90 - passed);
    expect(upstream.count).toBe(passed);
  });

  it('a budget stops spend across relays and survives a relay restart', async () => {
    const upstream = await startUpstream(openaiAny('ok', { prompt: 10, completion: 5 }));
    // $0.05 = 3 answers of $0.015 leave $0.005 to spend: the 4th is still admitted, the 5th is not.
    const shared = config(upstream.origin, { budgetUsd: 0.05, budgetPeriod: 'day' });
    const [a, b, c] = await Promise.all([startTestRelay(shared), startTestRelay(shared), startTestRelay(shared)]);
    const fleet = [a!, b!, c!];
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      statuses.push((await fleet[i % 3]!.chat(chatBody('m'), bearer)).status);
      await sleep(10); // one request at a time, as one client would: each replica hears of the last charge
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429]);
    expect(upstream.count).toBe(4); // overspend: the 4th request's $0.01 beyond the budget

    // A replica started afresh (a restart) reads the spend from Redis before it listens.
    const restarted = await startTestRelay(shared);
    const refused = await restarted.chat(chatBody('m'), bearer);
    expect(refused.status).toBe(429);
    expect(refused.json().error.message).toMatch(/spent \$0\.0600 of \$0\.05/);
    expect(upstream.count).toBe(4);
  });

  it('without Redis each relay keeps its own budget (the control: the shared test above proves sharing)', async () => {
    const upstream = await startUpstream(openaiAny('ok', { prompt: 10, completion: 5 }));
    const local = { ...config(upstream.origin, { budgetUsd: 0.01, budgetPeriod: 'day' }), state: {} };
    const [a, b] = await Promise.all([startTestRelay(local), startTestRelay(local)]);
    expect((await a!.chat(chatBody('m'), bearer)).status).toBe(200);
    expect((await b!.chat(chatBody('m'), bearer)).status).toBe(200);
    expect((await a!.chat(chatBody('m'), bearer)).status).toBe(429);
    expect(upstream.count).toBe(2); // $0.03 spent against a $0.01 budget: each replica overspent on its own
  });
});
