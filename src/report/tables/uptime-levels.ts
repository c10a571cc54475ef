/**
 * Uptime Level | Downtime/Month | Downtime/Year, for the levels vendors quote and for each
 * configuration's measured availability, with the cost of that downtime when the scenario
 * states what an hour of downtime costs.
 */
import { configurationsOf } from '../configurations.js';
import { minutesText, money } from '../format.js';
import { percent } from '../../units.js';
import { method } from '../method.js';
import { downtimeCostPerMonth, downtimeMinutes } from '../projection.js';
import type { ReportTable } from '../report-table.js';
import type { RunResult } from '../../scenario/result/result.js';

export const QUOTED_UPTIME_LEVELS: readonly number[] = Object.freeze([0.99, 0.999, 0.9995, 0.9999]);

export function uptimeLevelsTable(result: RunResult): ReportTable {
  const perHour = result.pricing?.downtimeCostPerHour;
  const row = (label: string, availability: number): string[] => {
    const { perMonth, perYear } = downtimeMinutes(availability);
    return [
      label,
      minutesText(perMonth),
      minutesText(perYear),
      ...(perHour === undefined ? [] : [money(downtimeCostPerMonth(availability, perHour))]),
    ];
  };
  const quoted = QUOTED_UPTIME_LEVELS.map((level) => row(`${Number((level * 100).toFixed(2))}%`, level));
  const measured = configurationsOf(result).map(({ name, result: run }) =>
    row(`${name}: measured ${percent(run.aggregates.successRate)}`, run.aggregates.successRate),
  );
  return {
    id: 'uptime-levels',
    title: 'Uptime levels',
    header: [
      'Uptime Level',
      'Downtime/Month',
      'Downtime/Year',
      ...(perHour === undefined ? [] : [`Downtime Cost/Month (at ${money(perHour)}/h)`]),
    ],
    rows: [...quoted, ...measured],
    method: `${method(result)}. Downtime = (1 − availability) × an average month (30.44 days) or year (365.25 days); measured rows use the run's request availability (successes / scheduled), as if every hour of the month went like this run${perHour === undefined ? '' : `; downtime cost = downtime hours × ${money(perHour)} (scenario report.downtime_cost_per_hour)`}.`,
  };
}
