/** Number formats shared by the Markdown report, JUnit and comparisons. */
import { formatMs } from '../scenario/units.js';

const DURATION_METRICS: ReadonlySet<string> = new Set(['latency', 'ttft', 'failover_time', 'disruption', 'recovery_time']);
const RATE_METRICS: ReadonlySet<string> = new Set(['success_rate', 'slice_availability']);

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

export function micros(us: number): string {
  return formatMs(us / 1000);
}

export function usd(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

/** A gate's measured value in the metric's unit (`metric` is the bare metric, without scope). */
export function formatGateValue(metric: string, actual: number): string {
  if (DURATION_METRICS.has(metric)) return formatMs(actual);
  if (metric === 'cost_per_1k') return usd(actual);
  if (RATE_METRICS.has(metric) || (actual < 1 && actual > 0)) return percent(actual);
  return String(actual);
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
