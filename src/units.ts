/**
 * Human units, read and written: durations (`250ms`, `8s`, `1.5m`, `1h`), rates (`50/s`, `3000/m`),
 * counts (`500M`) and percentages. Scenario files are parsed with these; reports, gates and
 * progress lines print with them. Parsers return `undefined` for malformed input so the schema
 * can report the field.
 */

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)\s*$/;
const DURATION_MS_PER_UNIT: Readonly<Record<string, number>> = Object.freeze({
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
});

/** Parses a duration into milliseconds. Bare numbers are not accepted: units are never guessed. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * DURATION_MS_PER_UNIT[match[2]!]!;
}

const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|m|h)\s*$/;
const RATE_SECONDS_PER_UNIT: Readonly<Record<string, number>> = Object.freeze({ s: 1, m: 60, h: 3600 });

/** Parses a rate into requests per second; a bare number means per second. */
export function parseRatePerSecond(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const match = RATE.exec(text);
  if (!match) return undefined;
  return Number(match[1]) / RATE_SECONDS_PER_UNIT[match[2]!]!;
}

/** Formats milliseconds for tables: `850 ms`, `1.24 s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

const COUNT = /^\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*$/;
const COUNT_MULTIPLIER: Readonly<Record<string, number>> = Object.freeze({ '': 1, k: 1e3, m: 1e6, b: 1e9 });

/** Parses a count such as `500M`, `10k`, `1.5B` or a plain number (`_` separators allowed). */
export function parseCount(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = COUNT.exec(value.replace(/_/g, ''));
  if (!match) return undefined;
  return Number(match[1]) * COUNT_MULTIPLIER[match[2]!.toLowerCase()]!;
}

/** Formats a count for headings: `500M`, `10K`, `1.5B`, `750`. */
export function formatCount(n: number): string {
  for (const [suffix, size] of [
    ['B', 1e9],
    ['M', 1e6],
    ['K', 1e3],
  ] as const) {
    if (n >= size) return `${Number((n / size).toFixed(2))}${suffix}`;
  }
  return String(n);
}

/** A fraction as a percentage with two decimals: `99.95%`. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
