import { describe, expect, it } from 'vitest';
import { ANONYMOUS_CLIENT, type ClientKey } from '../../../src/relay/front-door/auth.js';
import { KeyRateLimiter } from '../../../src/relay/front-door/key-rate-limit.js';

const key = (id: string, requestsPerMinute: number | undefined): ClientKey => ({
  ...ANONYMOUS_CLIENT,
  id,
  requestsPerMinute,
});

describe('KeyRateLimiter', () => {
  it('lets a minute’s worth through at once, then refuses with the seconds until a token is back', () => {
    let now = 0;
    const limiter = new KeyRateLimiter(() => now);
    const a = key('a', 3);
    expect([limiter.take(a), limiter.take(a), limiter.take(a)]).toEqual([0, 0, 0]);
    expect(limiter.take(a)).toBe(20); // one token per 20 s at 3/min
    now += 10_000;
    expect(limiter.take(a)).toBe(10);
    now += 10_000;
    expect(limiter.take(a)).toBe(0);
  });

  it('keeps keys apart and leaves keys without a limit alone', () => {
    const limiter = new KeyRateLimiter(() => 0);
    const a = key('a', 1);
    const b = key('b', 1);
    expect(limiter.take(a)).toBe(0);
    expect(limiter.take(a)).toBeGreaterThan(0);
    expect(limiter.take(b)).toBe(0);
    for (let i = 0; i < 1000; i++) expect(limiter.take(ANONYMOUS_CLIENT)).toBe(0);
  });
});
