/**
 * Issue 13, the hot path: high key rates are leased (requests take from a local lease, not a Redis
 * script each) without ever admitting more than the shared bucket gave out, and budget charges are
 * coalesced (one pipeline and one pub/sub message per flush, not per request) without losing spend.
 * Real redis-server; Redis's own INFO commandstats counts what the relays sent.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, type ClientKey } from '../../../src/relay/front-door/auth.js';
import { RedisLink } from '../../../src/relay/state/redis-link.js';
import { SharedBudgetLedger } from '../../../src/relay/state/shared-budget.js';
import { SharedKeyRateLimiter } from '../../../src/relay/state/shared-key-rate.js';
import { createStateMetrics } from '../../../src/relay/state/state-metrics.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { chatBody, closeAll, onCleanup, openaiAny, sleep, startTestRelay, startUpstream } from '../e2e/support.js';
import { fleetState, sample } from './support.js';

afterEach(closeAll);

const TOKEN = 'team-token';
const bearer = { headers: { authorization: `Bearer ${TOKEN}` } };

describe.skipIf(redisSkipReason('hot-path.test.ts'))('shared state off the hot path', () => {
  let redis: TestRedis;
  let admin: Redis;
  beforeAll(async () => {
    redis = await startTestRedis();
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });

  /** Calls of a command so far, from Redis's INFO commandstats. */
  async function calls(command: string): Promise<number> {
    const info = await admin.info('commandstats');
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  }

  /** A replica's link and metrics, in process (closed after the test). */
  async function link(state = fleetState(redis.url)): Promise<RedisLink> {
    const config = { ...state.redis, passwordEnv: undefined, cache: false };
    const made = new RedisLink(config, pino({ level: 'silent' }), createStateMetrics(new Registry()));
    onCleanup(async () => made.close());
    return made;
  }

  it('a high key rate is leased: 150 requests over three relays run a few rate scripts, not 150', async () => {
    const upstream = await startUpstream(openaiAny('ok', { prompt: 1, completion: 1 }));
    const config = {
      // 10,000 per second: a lease holds 100 tokens (10 ms of the rate). No budget: every script is a rate script.
      auth: { keys: [{ id: 'team', sha256: hashToken(TOKEN), requestsPerMinute: 600_000 }] },
      providers: [{ name: 'p', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { m: { chain: [{ provider: 'p', model: 'x' }] } },
      state: fleetState(redis.url),
    };
    const fleet = await Promise.all([startTestRelay(config), startTestRelay(config), startTestRelay(config)]);
    const before = (await calls('evalsha')) + (await calls('eval'));
    const replies = await Promise.all(Array.from({ length: 150 }, (_, i) => fleet[i % 3]!.chat(chatBody('m'), bearer)));
    expect(replies.filter((reply) => reply.status !== 200)).toEqual([]);
    const scripts = (await calls('evalsha')) + (await calls('eval')) - before;
    expect(scripts).toBeGreaterThanOrEqual(3); // each relay leased from the shared bucket
    expect(scripts).toBeLessThanOrEqual(50); // per request it would be 150 (room for a loaded machine)
    for (const relay of fleet) expect(await sample(relay, 'relay_state_fallbacks_total{op="key_rate"}')).toBe(0);
  });

  it('leases never admit more than the shared bucket gave out (three replicas, 25 tokens left)', async () => {
    const state = fleetState(redis.url);
    const links = await Promise.all([link(state), link(state), link(state)]);
    await Promise.all(links.map((l) => l.start()));
    // 12,000 per minute = 0.2 tokens per ms: leased, 2 tokens at a time. The bucket holds 25 now.
    const client = { id: 'team', requestsPerMinute: 12_000 } as ClientKey;
    await admin.eval(
      "local t = redis.call('TIME') redis.call('HSET', KEYS[1], 'tokens', '25', 'at', tostring(t[1] * 1000 + t[2] / 1000))",
      1,
      `${state.redis.keyPrefix}rate:team`,
    );
    const limiters = links.map((l) => new SharedKeyRateLimiter(l));
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 90 }, async (_, i) => limiters[i % 3]!.take(client)));
    const elapsedMs = performance.now() - started;
    const passed = answers.filter((wait) => wait === 0).length;
    // Never beyond the 25 plus what refilled meanwhile; at most one lease (2 tokens) per replica unused.
    expect(passed).toBeLessThanOrEqual(25 + Math.ceil(elapsedMs * 0.2));
    expect(passed).toBeGreaterThanOrEqual(25 - 3 * 2);
    expect(answers.filter((wait) => wait > 0).length).toBe(90 - passed);
  });

  it('1,000 charges in one tick are one pipelined script and one message, and no spend is lost', async () => {
    const state = fleetState(redis.url);
    const [a, b] = await Promise.all([link(state), link(state)]);
    await Promise.all([a!.start(), b!.start()]);
    const keys = [{ id: 'team', sha256: hashToken(TOKEN), budgetUsd: 1_000, budgetPeriod: 'total' as const }];
    const [ledgerA, ledgerB] = [a!, b!].map(
      (l) => new SharedBudgetLedger(l, keys as never, createStateMetrics(new Registry())),
    );
    const client = keys[0] as unknown as ClientKey;
    const scripts = async (): Promise<number> => (await calls('evalsha')) + (await calls('eval'));
    const [scriptsBefore, publishBefore] = [await scripts(), await calls('publish')];
    for (let i = 0; i < 1_000; i++) ledgerA!.charge(client, 0.001);
    await sleep(100);
    expect((await scripts()) - scriptsBefore).toBe(1);
    expect((await calls('publish')) - publishBefore).toBe(1);
    expect(Number(await admin.get(`${state.redis.keyPrefix}budget:team:0`))).toBeCloseTo(1, 9);
    expect(ledgerB!.spentUsd(client)).toBeCloseTo(1, 9); // the other replica heard the total
    await Promise.all([ledgerA!.close(), ledgerB!.close()]);
  });
});
