/**
 * Seeded pseudo-random numbers, so that a scenario's seed reproduces every draw: toxicity and
 * jitter in the fault plane, arrivals in the load generator, token counts in mock providers.
 */

/** A function returning uniform floats in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough for load shaping (not for cryptography). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent stream for a named consumer from one scenario seed. */
export function deriveSeed(seed: number, name: string): number {
  let hash = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < name.length; i++) {
    hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}
