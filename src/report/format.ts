/** Number formats shared by the Markdown report, JUnit and comparisons. */
import { formatMs, percent } from '../units.js';

const DURATION_METRICS: ReadonlySet<string> = new Set([
  'latency',
  'ttft',
  'failover_time',
  'disruption',
  'recovery_time',
  'itl',
  'tpot',
  'convergence',
]);
const RATE_METRICS: ReadonlySet<string> = new Set(['success_rate', 'slice_availability']);

export function micros(us: number): string {
  return formatMs(us / 1000);
}

export function usd(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

/** Larger sums with thousands separators: `$58,440`, `$12.50`, `$0.0312`. */
export function money(value: number): string {
  return value >= 1000 ? `$${Math.round(value).toLocaleString('en-US')}` : usd(value);
}

/** A duration given in minutes, in the unit uptime tables use: `26.3 s`, `43.83 min`, `8.77 h`, `3.65 days`. */
export function minutesText(minutes: number): string {
  if (minutes === 0) return '0';
  if (minutes < 1) return `${(minutes * 60).toFixed(1)} s`;
  if (minutes < 120) return `${minutes.toFixed(2)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(2)} h`;
  return `${(minutes / 1440).toFixed(2)} days`;
}

/** A signed millisecond delta: `+1.2 ms`, `−0.40 ms`. */
export function signedMs(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}

/** A gate's measured value in the metric's unit (`metric` is the bare metric, without scope). */
export function formatGateValue(metric: string, actual: number): string {
  if (DURATION_METRICS.has(metric)) return formatMs(actual);
  if (metric === 'cost_per_1k' || metric === 'overspend') return usd(actual);
  if (metric === 'dead_attempts') return String(Math.round(actual * 100) / 100);
  if (RATE_METRICS.has(metric) || (actual < 1 && actual > 0)) return percent(actual);
  return String(actual);
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
