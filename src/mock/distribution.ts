/**
 * Latency distributions for mock providers, sampled from a seeded stream: a fixed number of
 * milliseconds, a normal `{ mean, sd }` (clamped at 0), or a lognormal given by its median and
 * 99th percentile `{ p50, p99 }` -- the way provider latency is usually quoted.
 */
import type { Random } from '../random.js';

/** Milliseconds: fixed, normal, or lognormal by percentiles. */
export type Distribution =
  number | { readonly mean: number; readonly sd: number } | { readonly p50: number; readonly p99: number };

/** A sampler returning milliseconds >= 0. */
export type Sampler = () => number;

/** z-score of the 99th percentile of the standard normal. */
const Z99 = 2.326347874;

/**
 * Problems with `value` as a distribution, each naming `field` and the value received; empty when
 * usable. Validate once, at construction, so sampling never throws.
 */
export function distributionProblems(field: string, value: unknown): string[] {
  const got = `received ${JSON.stringify(value)}`;
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? [] : [`${field}: expected milliseconds >= 0, ${got}`];
  }
  if (typeof value !== 'object' || value === null) {
    return [`${field}: expected a number of ms, { mean, sd } or { p50, p99 }, ${got}`];
  }
  const keys = Object.keys(value).sort().join(',');
  const v = value as Record<string, unknown>;
  if (keys === 'mean,sd') {
    return isMs(v['mean']) && isMs(v['sd']) ? [] : [`${field}: mean and sd must be numbers >= 0, ${got}`];
  }
  if (keys === 'p50,p99') {
    if (!isMs(v['p50']) || !isMs(v['p99']) || (v['p50'] as number) <= 0) {
      return [`${field}: p50 must be a number > 0 and p99 a number >= p50, ${got}`];
    }
    return (v['p99'] as number) >= (v['p50'] as number) ? [] : [`${field}: p99 must be >= p50, ${got}`];
  }
  return [`${field}: expected a number of ms, { mean, sd } or { p50, p99 }, ${got}`];
}

/** A sampler for a validated distribution. */
export function sampler(distribution: Distribution, random: Random): Sampler {
  if (typeof distribution === 'number') return () => distribution;
  if ('mean' in distribution) {
    const { mean, sd } = distribution;
    if (sd === 0) return () => mean;
    return () => Math.max(0, mean + sd * standardNormal(random));
  }
  const mu = Math.log(distribution.p50);
  const sigma = (Math.log(distribution.p99) - mu) / Z99;
  if (sigma === 0) return () => distribution.p50;
  return () => Math.exp(mu + sigma * standardNormal(random));
}

/** Box-Muller; one draw per call keeps the stream's consumption simple to reason about. */
function standardNormal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) would be -Infinity
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
