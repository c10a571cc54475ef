/**
 * Projections from a measured run to a month: cost at a stated volume, and downtime from a
 * measured availability. Pure arithmetic, defined in the README's metric definitions.
 */
import type { CostSummary, TokenUsage } from '../metrics/cost.js';
import { formatCount } from '../units.js';
import type { Pricing } from '../scenario/result/result.js';

/** An average month and year (365.25 days / 12), as uptime tables quote them: 99.9% is 43.83 min a month. */
export const MINUTES_PER_MONTH = (365.25 * 24 * 60) / 12;
export const MINUTES_PER_YEAR = 365.25 * 24 * 60;

/** Minutes a month and a year a service with this availability (0..1) is down. */
export function downtimeMinutes(availability: number): { perMonth: number; perYear: number } {
  const down = Math.min(1, Math.max(0, 1 - availability));
  return { perMonth: down * MINUTES_PER_MONTH, perYear: down * MINUTES_PER_YEAR };
}

/** USD a month the downtime costs at `usdPerHour`. */
export function downtimeCostPerMonth(availability: number, usdPerHour: number): number {
  return (downtimeMinutes(availability).perMonth / 60) * usdPerHour;
}

export interface MonthlyVolume {
  tokens?: number;
  requests?: number;
}

/** The volume a result's pricing projects to, and how tables name it (`500M tokens`, `10M requests`). */
export function monthlyVolume(pricing: Pricing): MonthlyVolume & { text: string } {
  return pricing.monthlyRequests !== undefined
    ? { requests: pricing.monthlyRequests, text: `${formatCount(pricing.monthlyRequests)} requests` }
    : { tokens: pricing.monthlyTokens, text: `${formatCount(pricing.monthlyTokens ?? 0)} tokens` };
}

/**
 * How many times the measured traffic a month holds: the monthly token volume over the tokens the
 * run's successes used, or the monthly request volume over its metered successes. Undefined when
 * the run metered nothing.
 */
export function monthlyScale(usage: TokenUsage, volume: MonthlyVolume): number | undefined {
  const models = Object.values(usage.byModel);
  if (volume.requests !== undefined) {
    const requests = models.reduce((sum, m) => sum + m.requests, 0);
    return requests === 0 ? undefined : volume.requests / requests;
  }
  const tokens = usageTokens(usage);
  return tokens === 0 || volume.tokens === undefined ? undefined : volume.tokens / tokens;
}

/** The run's cost in one book scaled to a month ({@link monthlyScale}); unpriced models add nothing. */
export function monthlyCost(cost: CostSummary, usage: TokenUsage, volume: MonthlyVolume): number | undefined {
  const scale = monthlyScale(usage, volume);
  return scale === undefined || cost.priced === 0 ? undefined : cost.totalUsd * scale;
}

/** Input + output tokens of all metered successes. */
export function usageTokens(usage: TokenUsage): number {
  return Object.values(usage.byModel).reduce((sum, m) => sum + m.inputTokens + m.outputTokens, 0);
}
