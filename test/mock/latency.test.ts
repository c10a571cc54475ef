import { describe, expect, it } from 'vitest';
import { distributionProblems, sampler } from '../../src/mock/distribution.js';
import { latencySampler } from '../../src/mock/latency.js';
import { seededRandom } from '../../src/random.js';
import { ask, sseEvents, start } from './helpers.js';

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe('distributions', () => {
  it('lognormal by p50/p99 reproduces its percentiles', () => {
    const draw = sampler({ p50: 200, p99: 1000 }, seededRandom(1));
    const values = Array.from({ length: 40_000 }, draw);
    expect(quantile(values, 0.5)).toBeGreaterThan(190);
    expect(quantile(values, 0.5)).toBeLessThan(210);
    expect(quantile(values, 0.99)).toBeGreaterThan(900);
    expect(quantile(values, 0.99)).toBeLessThan(1100);
  });

  it('normal has its mean and sd, clamped at 0; fixed is fixed', () => {
    const values = Array.from({ length: 40_000 }, sampler({ mean: 100, sd: 20 }, seededRandom(2)));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(100, 0);
    expect(sd).toBeGreaterThan(19);
    expect(sd).toBeLessThan(21);
    expect(Math.min(...Array.from({ length: 5000 }, sampler({ mean: 1, sd: 50 }, seededRandom(3))))).toBe(0);
    expect(sampler(42, seededRandom(4))()).toBe(42);
  });

  it('the same seed draws the same latencies', () => {
    const model = { ttft: { p50: 300, p99: 2000 }, perToken: { mean: 10, sd: 3 } };
    const a = latencySampler(model, 20, seededRandom(9));
    const b = latencySampler(model, 20, seededRandom(9));
    const c = latencySampler(model, 20, seededRandom(10));
    const draws = (s: typeof a) => Array.from({ length: 5 }, s);
    expect(draws(b)).toEqual(draws(a));
    expect(draws(c)).not.toEqual(draws(latencySampler(model, 20, seededRandom(9))));
  });

  it.each([
    [-1, /milliseconds >= 0.*-1/],
    [{ p50: 100, p99: 50 }, /p99 must be >= p50/],
    [{ p50: 0, p99: 50 }, /p50 must be a number > 0/],
    [{ mean: 5 }, /expected a number of ms/],
    ['fast', /"fast"/],
  ])('rejects %j', (value, message) => {
    expect(distributionProblems('latency.ttft', value).join()).toMatch(message);
  });
});

describe('latency over the wire', () => {
  it('a fixed ttft delays JSON answers by about that much', async () => {
    const provider = await start({ name: 'fixed', latency: { ttft: 150 } });
    const res = await ask(provider, { maxTokens: 4 });
    expect(res.status).toBe(200);
    expect(res.totalMs).toBeGreaterThanOrEqual(150 * 0.9);
    expect(res.totalMs).toBeLessThan(150 + 1500);
  });

  it('JSON answers wait ttft + tokens * perToken', async () => {
    const provider = await start({ name: 'per-token', latency: { ttft: 50, perToken: 10 } });
    const res = await ask(provider, { maxTokens: 30 });
    const tokens = JSON.parse(res.text).usage.completion_tokens as number;
    expect(res.totalMs).toBeGreaterThanOrEqual((50 + tokens * 10) * 0.9);
    expect(res.totalMs).toBeLessThan(50 + tokens * 10 + 1500);
  });

  it('streams emit tokens at per-token pace, the first after ttft', async () => {
    const provider = await start({ name: 'pace', dialect: 'anthropic', latency: { ttft: 100, perToken: 25 } });
    const res = await ask(provider, { maxTokens: 12, stream: true });
    const deltas = sseEvents(res.text).filter((e) => e.event === 'content_block_delta').length;
    expect(deltas).toBeGreaterThanOrEqual(6);
    expect(res.headersMs).toBeGreaterThanOrEqual(100 * 0.9);
    // Tokens arrive spread over (n - 1) gaps, not in one burst.
    expect(res.totalMs - res.headersMs).toBeGreaterThanOrEqual((deltas - 1) * 25 * 0.8);
    expect(res.chunkTimes.length).toBeGreaterThanOrEqual(deltas * 0.5);
  });

  it('the same seed gives the same token counts, in every dialect', async () => {
    for (const dialect of ['anthropic', 'gemini'] as const) {
      const counts = async (seed: number): Promise<string[]> => {
        const provider = await start({ name: 'repro', dialect, latencyMs: 0, seed });
        const out: string[] = [];
        for (let i = 0; i < 5; i++) {
          const body = JSON.parse((await ask(provider, { maxTokens: 500 })).text);
          out.push(JSON.stringify(body.usage ?? body.usageMetadata));
        }
        await provider.close();
        return out;
      };
      const first = await counts(5);
      expect(await counts(5)).toEqual(first);
      expect(await counts(6)).not.toEqual(first);
    }
  });
});
