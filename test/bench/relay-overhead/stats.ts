/** Median with min and max, the one statistic the bench reports across rounds. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median (mean of the middle two for an even count), min and max; NaN values are ignored. */
export function spreadOf(values: readonly number[]): Spread {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: NaN, min: NaN, max: NaN };
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** `1.14x [1.10x-1.19x]`, `+0.31 ms [0.20-0.45]`: a spread in one unit formatter. */
export function formatSpread(spread: Spread, format: (value: number) => string): string {
  return `${format(spread.median)} [${format(spread.min)} - ${format(spread.max)}]`;
}

export const fmt = Object.freeze({
  ratio: (v: number): string => (Number.isFinite(v) ? `${v.toFixed(3)}x` : 'n/a'),
  us: (v: number): string => (Number.isFinite(v) ? `${Math.round(v)} µs` : 'n/a'),
  ms: (us: number): string => (Number.isFinite(us) ? `${(us / 1000).toFixed(2)} ms` : 'n/a'),
  signedMs: (us: number): string =>
    Number.isFinite(us) ? `${us < 0 ? '-' : '+'}${Math.abs(us / 1000).toFixed(2)} ms` : 'n/a',
  rate: (v: number): string => (Number.isFinite(v) ? `${Math.round(v)}/s` : 'n/a'),
  cores: (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : 'n/a'),
});
