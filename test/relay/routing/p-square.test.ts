import { describe, expect, it } from 'vitest';
import { PSquare } from '../../../src/relay/routing/p-square.js';

/** A small deterministic PRNG (mulberry32), so the test is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('PSquare', () => {
  it('is exact-ish with few samples and undefined with none', () => {
    const q = new PSquare(0.95);
    expect(q.value()).toBeUndefined();
    [10, 30, 20].forEach((x) => q.add(x));
    expect(q.value()).toBe(30);
  });

  it('estimates the p95 of a uniform and of a skewed distribution', () => {
    const random = prng(42);
    const uniform = new PSquare(0.95);
    for (let i = 0; i < 20_000; i++) uniform.add(random() * 1_000);
    expect(uniform.value()).toBeGreaterThan(930);
    expect(uniform.value()).toBeLessThan(970);

    // Exponential latencies, mean 100 ms: true p95 = 100 x ln(20) = 299.6 ms.
    const exponential = new PSquare(0.95);
    for (let i = 0; i < 20_000; i++) exponential.add(-100 * Math.log(1 - random()));
    expect(exponential.value()).toBeGreaterThan(280);
    expect(exponential.value()).toBeLessThan(320);
  });

  it('rejects a quantile outside (0, 1)', () => {
    expect(() => new PSquare(1)).toThrow(/quantile: expected a number in \(0, 1\), got 1/);
  });
});
