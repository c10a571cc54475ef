/**
 * The values of the fleet gates, from a run's `aggregates.fleet` (`metrics/fleet.ts`):
 *
 * - `convergence` (max, min, avg over provider fault windows; ms): the last replica's breaker open
 *   minus the first's. A window where some replica never opened has no convergence, so `max` has
 *   no value (the gate fails: the worst case is unknown), like `failover_time`.
 * - `dead_attempts` (max, min, avg per window; count = the sum over windows): the requests the
 *   faulted provider logged for requests started in its window, across the fleet.
 * - `overspend` (value = USD beyond the budget summed over budgeted client keys; max = the worst key).
 *
 * A run that was not a fleet (or had no such window or budget) has no value: the gate fails and says so.
 */
import type { FleetMetrics } from '../../metrics/fleet.js';
import type { Aggregation, GateScope } from './grammar.js';

export type FleetGateMetric = 'convergence' | 'dead_attempts' | 'overspend';

export function fleetGateValue(
  fleet: FleetMetrics | undefined,
  metric: FleetGateMetric,
  aggregation: Aggregation,
  scope: GateScope,
): number | undefined {
  if (fleet === undefined) return undefined;
  const windows =
    scope.provider === undefined ? fleet.windows : fleet.windows.filter((w) => w.provider === scope.provider);
  switch (metric) {
    case 'convergence':
      return overWindows(
        windows.map((w) => w.convergenceMs),
        aggregation,
      );
    case 'dead_attempts':
      return overWindows(
        windows.map((w) => w.attempts),
        aggregation,
      );
    case 'overspend': {
      if (fleet.budgets.length === 0) return undefined;
      const each = fleet.budgets.map((b) => b.overspendUsd);
      return aggregation.kind === 'max' ? Math.max(...each) : each.reduce((sum, usd) => sum + usd, 0);
    }
    default: {
      const unreachable: never = metric;
      return unreachable;
    }
  }
}

/** max/min/avg over windows (`max` unknown when a window has no value); count: their sum. */
function overWindows(values: ReadonlyArray<number | undefined>, aggregation: Aggregation): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0 || (aggregation.kind === 'max' && known.length < values.length)) return undefined;
  switch (aggregation.kind) {
    case 'max':
      return Math.max(...known);
    case 'min':
      return Math.min(...known);
    case 'count':
      return known.reduce((sum, v) => sum + v, 0);
    default:
      return known.reduce((sum, v) => sum + v, 0) / known.length;
  }
}
