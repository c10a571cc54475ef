/**
 * Per-key request rates exact across a fleet: one token bucket per client key in Redis, checked
 * and taken by one atomic Lua script per request (Redis's own clock, so replicas' clocks do not
 * matter). Same bucket as the local limiter: up to a minute's worth, refilled continuously.
 * Keys without `requestsPerMinute` never touch Redis. While Redis is down or slow, each replica
 * uses its local bucket (so the fleet allows up to N times the rate until Redis is back).
 */
import type { ClientKey } from '../front-door/auth.js';
import { KeyRateLimiter, type KeyRateCheck } from '../front-door/key-rate-limit.js';
import type { RedisLink } from './redis-link.js';

/** KEYS[1] bucket; ARGV[1] requests per minute. Returns ms until a token is back ("0": taken). */
const TAKE_SCRIPT = `
local perMinute = tonumber(ARGV[1])
local perMs = perMinute / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or perMinute
local at = tonumber(bucket[2]) or now
tokens = math.min(perMinute, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / perMs end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 61000)
return tostring(wait)
`;

type WithTake = { relayKeyRateTake(key: string, perMinute: number): Promise<string> };

export class SharedKeyRateLimiter implements KeyRateCheck {
  constructor(
    private readonly link: RedisLink,
    private readonly local = new KeyRateLimiter(),
  ) {
    link.defineScript('relayKeyRateTake', TAKE_SCRIPT);
  }

  take(client: ClientKey): number | Promise<number> {
    const perMinute = client.requestsPerMinute;
    if (perMinute === undefined) return 0;
    if (!this.link.isUp) return this.fallback(client);
    return this.takeShared(client, perMinute);
  }

  private async takeShared(client: ClientKey, perMinute: number): Promise<number> {
    const key = this.link.key('rate', client.id);
    const waitMs = await this.link.run('key_rate', (redis) =>
      (redis as unknown as WithTake).relayKeyRateTake(key, perMinute),
    );
    if (waitMs === undefined) return this.local.take(client);
    const wait = Number(waitMs);
    return wait <= 0 ? 0 : Math.max(1, Math.ceil(wait / 1000));
  }

  private fallback(client: ClientKey): number {
    this.link.countFallback('key_rate');
    return this.local.take(client);
  }
}
