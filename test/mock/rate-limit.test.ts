import { describe, expect, it } from 'vitest';
import { goDuration, RateLimiter } from '../../src/mock/rate-limiter.js';
import { retryAfterMs } from '../../src/relay/policies/retry-after.js';
import { ask, DIALECTS, start } from './helpers.js';

describe('RateLimiter', () => {
  it('admits up to the RPM, then refuses with the wait until one request refills', () => {
    let now = 0;
    const limiter = new RateLimiter({ rpm: 60 }, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.admit(10).ok).toBe(true);
    const refused = limiter.admit(10);
    expect(refused).toMatchObject({ ok: false, limit: 'requests' });
    expect(refused.ok ? 0 : refused.retryAfterMs).toBeCloseTo(1000, 0);
    now = 1000;
    expect(limiter.admit(10).ok).toBe(true);
    expect(limiter.admit(10).ok).toBe(false);
  });

  it('meters tokens separately and takes nothing from a refused request', () => {
    let now = 0;
    const limiter = new RateLimiter({ rpm: 1000, tpm: 600 }, () => now);
    expect(limiter.admit(500).ok).toBe(true);
    const refused = limiter.admit(200);
    expect(refused).toMatchObject({ ok: false, limit: 'tokens' });
    expect(limiter.snapshot().requests?.remaining).toBe(999);
    now = 10_000; // +100 tokens
    expect(limiter.admit(200).ok).toBe(true);
    expect(limiter.admit(601)).toMatchObject({ ok: false, retryAfterMs: 60_000 });
  });

  it('formats resets as Go durations', () => {
    expect([goDuration(20), goDuration(1500), goDuration(360_000), goDuration(61_500)]).toEqual([
      '20ms',
      '1.5s',
      '6m0s',
      '1m1.5s',
    ]);
  });
});

describe.each(DIALECTS)('rate limits over the wire (%s)', (dialect) => {
  it('a spike above the RPM limit gets 429s with the retry hint; requests below it get none', async () => {
    const provider = await start({ name: `rl-${dialect}`, dialect, latencyMs: 0, rateLimit: { rpm: 30 } });
    const spike = await Promise.all(Array.from({ length: 60 }, () => ask(provider, { maxTokens: 2 })));
    const ok = spike.filter((r) => r.status === 200);
    const limited = spike.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThanOrEqual(30);
    expect(ok.length).toBeLessThanOrEqual(32); // a little refill while the spike lands
    expect(ok.length + limited.length).toBe(60);
    for (const res of limited) {
      const body = JSON.parse(res.text);
      switch (dialect) {
        case 'openai':
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
          expect(res.headers['x-ratelimit-limit-requests']).toBe('30');
          expect(res.headers['x-ratelimit-remaining-requests']).toBe('0');
          expect(res.headers['x-ratelimit-reset-requests']).toMatch(/^\d+(\.\d+)?(ms|s)$|^\d+m[\d.]+s$/);
          expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
          break;
        case 'anthropic':
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
          expect(res.headers['anthropic-ratelimit-requests-limit']).toBe('30');
          expect(res.headers['anthropic-ratelimit-requests-remaining']).toBe('0');
          expect(res.headers['anthropic-ratelimit-requests-reset']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
          expect(body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
          break;
        case 'gemini':
          expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
          expect(body.error.details).toContainEqual({
            '@type': 'type.googleapis.com/google.rpc.RetryInfo',
            retryDelay: expect.stringMatching(/^[1-9]\d*s$/),
          });
          break;
      }
      // The relay's own Retry-After reader understands the OpenAI and Anthropic hints.
      if (dialect !== 'gemini') expect(retryAfterMs(res.headers, Date.now())).toBeGreaterThanOrEqual(1000);
    }

    const calm = await start({ name: `calm-${dialect}`, dialect, latencyMs: 0, rateLimit: { rpm: 30 } });
    const below = await Promise.all(Array.from({ length: 25 }, () => ask(calm, { maxTokens: 2 })));
    expect(below.map((r) => r.status)).toEqual(Array<number>(25).fill(200));
  });
});

it('a TPM limit refuses once the tokens run out, and says so', async () => {
  const provider = await start({ name: 'tpm', latencyMs: 0, rateLimit: { tpm: 1000 } });
  const statuses: number[] = [];
  let refused;
  for (let i = 0; i < 20; i++) {
    const res = await ask(provider, { maxTokens: 200 });
    statuses.push(res.status);
    if (res.status === 429) refused ??= res;
  }
  // Each request costs 100..200 completion tokens plus its prompt: 5..9 fit in 1000.
  const ok = statuses.filter((s) => s === 200).length;
  expect(ok).toBeGreaterThanOrEqual(4);
  expect(ok).toBeLessThanOrEqual(10);
  expect(JSON.parse(refused!.text).error.type).toBe('tokens');
  expect(refused!.headers['x-ratelimit-limit-tokens']).toBe('1000');
});
