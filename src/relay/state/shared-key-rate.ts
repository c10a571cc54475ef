/**
 * Per-key request rates shared by a fleet: one token bucket per client key in Redis, taken from by
 * one atomic Lua script (Redis's own clock, so replicas' clocks do not matter). Same bucket as the
 * local limiter: up to a minute's worth, refilled continuously. Keys without `requestsPerMinute`
 * never touch Redis.
 *
 * Low rates (under 200 requests per second) are exact: one script per request, awaited. Higher
 * rates are leased (`key-rate-lease.ts`): a replica takes up to 10 ms of the rate from the bucket
 * at once and answers its requests from the lease without waiting for Redis, topping it up in the
 * background. The fleet never admits more than the bucket gave out; a lease is at most 10 ms of the
 * rate ahead of the bucket per replica, and unused leased tokens go back after 1 s.
 * While Redis is down or slow, each replica uses its local bucket (the fleet then allows up to N
 * times the rate until Redis is back).
 */
import type { ClientKey } from '../front-door/auth.js';
import { KeyRateLimiter, type KeyRateCheck } from '../front-door/key-rate-limit.js';
import { KeyRateLease, leaseSize, type SharedTake } from './key-rate-lease.js';
import type { RedisLink } from './redis-link.js';

/**
 * KEYS[1] bucket; ARGV[1] requests per minute; ARGV[2] tokens wanted (>= 1); ARGV[3] leased tokens
 * given back unused (>= 0). Returns {tokens taken (0..wanted), ms until one token is back ("0" when
 * some were taken)}.
 */
const TAKE_SCRIPT = `
local perMinute = tonumber(ARGV[1])
local want = tonumber(ARGV[2])
local back = tonumber(ARGV[3])
local perMs = perMinute / 60000
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or perMinute
local at = tonumber(bucket[2]) or now
tokens = math.min(perMinute, tokens + math.max(0, now - at) * perMs + back)
local taken = math.max(0, math.min(want, math.floor(tokens)))
tokens = tokens - taken
local wait = 0
if taken < 1 then wait = (1 - tokens) / perMs end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], 61000)
return {taken, tostring(wait)}
`;

type WithTake = {
  relayKeyRateTake(key: string, perMinute: number, want: number, back: number): Promise<[number, string]>;
};

export class SharedKeyRateLimiter implements KeyRateCheck {
  private readonly leases = new Map<string, KeyRateLease>();

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
    if (leaseSize(perMinute) < 2) return this.takeOne(client, perMinute);
    const lease = this.leaseOf(client, perMinute);
    if (lease.takeLocal()) return 0; // the common case at high rates: no Redis on the hot path
    return lease.refill().then((answer) => {
      if (lease.takeLocal()) return 0;
      if (answer !== undefined && answer.taken === 0) return answer.waitS; // the shared bucket is empty
      return this.takeOne(client, perMinute); // others emptied the top-up first, or Redis failed
    });
  }

  /** Takes `want` tokens (giving `back` unused ones back) in one script; `undefined` without Redis. */
  async takeShared(client: ClientKey, perMinute: number, want: number, back: number): Promise<SharedTake | undefined> {
    const key = this.link.key('rate', client.id);
    const answer = await this.link.run('key_rate', (redis) =>
      (redis as unknown as WithTake).relayKeyRateTake(key, perMinute, want, back),
    );
    if (answer === undefined) return undefined;
    const wait = Number(answer[1]);
    return { taken: Number(answer[0]), waitS: wait <= 0 ? 0 : Math.max(1, Math.ceil(wait / 1000)) };
  }

  /** One token, exact: the request waits for the script (local bucket when Redis fails). */
  private async takeOne(client: ClientKey, perMinute: number): Promise<number> {
    const answer = await this.takeShared(client, perMinute, 1, 0);
    if (answer === undefined) return this.local.take(client);
    return answer.taken >= 1 ? 0 : answer.waitS;
  }

  private leaseOf(client: ClientKey, perMinute: number): KeyRateLease {
    let lease = this.leases.get(client.id);
    if (lease === undefined || lease.perMinute !== perMinute) {
      lease = new KeyRateLease(perMinute, (want, back) => this.takeShared(client, perMinute, want, back));
      this.leases.set(client.id, lease);
    }
    return lease;
  }

  private fallback(client: ClientKey): number {
    this.link.countFallback('key_rate');
    return this.local.take(client);
  }
}
