/**
 * Measuring one configuration: play it (with the abort-on-fail gates watching the partial
 * aggregates), aggregate its records against the fault windows it could feel, evaluate its gates
 * (the scenario's and a baseline's regression gates), price it, and build its RunResult.
 */
import { aggregate, type Aggregates } from '../../metrics/aggregate.js';
import type { PriceBook } from '../../metrics/cost.js';
import { sweepRates } from '../../load/sweep-profile.js';
import type { SweepSteps } from '../../metrics/capacity-steps.js';
import { fleetMetrics } from '../../metrics/fleet.js';
import type { RequestRecord } from '../../metrics/record.js';
import { evaluateGates, shouldAbort } from '../gates/evaluate.js';
import type { Gate } from '../gates/grammar.js';
import { baselineGates } from '../gates/baseline.js';
import { defaultPriceBooks } from '../schema/price-books.js';
import { DEFAULT_MONTHLY_TOKENS } from '../schema/report-schema.js';
import type { Scenario } from '../schema/scenario.js';
import { calledProviders } from '../fixture/start-target.js';
import { budgetGuardFor, type CarriedSpend } from './budget-guard.js';
import { playScenario, type PlayOptions, type RunOutcome } from './play.js';
import { buildResult, type Pricing, type RunResult } from '../result/result.js';

/** A baseline run to gate against: its aggregates and the allowed p99 regression (fraction). */
export interface Baseline {
  aggregates: Aggregates;
  tolerance: number;
}

export interface MeasureOptions extends Omit<PlayOptions, 'abortCheck' | 'budget'> {
  baseline?: Baseline | undefined;
  /** A variants run: what earlier configurations spent of the run's one budget. */
  spentBefore?: CarriedSpend | undefined;
  /** Price books for cost, side by side; default: the scenario's `report.price_books`, else the bundled defaults. */
  prices?: PriceBook[] | undefined;
  /**
   * Sees each configuration's played outcome (every record, attributed) before it is aggregated:
   * the CLI writes `--records` files from it. Set `keepDetail` for headers and the mocks' logs.
   */
  onOutcome?: ((outcome: RunOutcome, variant: string | undefined) => Promise<void>) | undefined;
}

/** One configuration, `variant` naming it when it is one of a scenario's variants. */
export async function measureScenario(
  scenario: Scenario,
  options: MeasureOptions = {},
  variant?: string,
): Promise<RunResult> {
  const gates = gatesFor(scenario, options.baseline, variant);
  const abortCheck = abortCheckFor(gates, scenario.target.chain[0]!, variant, scenario.slo);
  const books = options.prices ?? scenario.priceBooks ?? defaultPriceBooks();
  const warn = (message: string): void => options.onEvent?.({ kind: 'phase', message });
  const budget = budgetGuardFor(scenario, books[0], options.spentBefore, warn);
  budget?.warnings(scenario).forEach(warn);
  const outcome = await playScenario(scenario, {
    ...options,
    ...(abortCheck ? { abortCheck } : {}),
    ...(budget ? { budget } : {}),
  });
  await options.onOutcome?.(outcome, variant);
  return resultOfOutcome(outcome, options, variant, budget);
}

/**
 * A played outcome measured: aggregated, gated and priced into a RunResult. Also what `merge`
 * calls on the outcome it assembles from shards, so a merged run is measured exactly as one run.
 */
export function resultOfOutcome(
  outcome: RunOutcome,
  options: Pick<MeasureOptions, 'baseline' | 'prices'> = {},
  variant?: string,
  budget?: ReturnType<typeof budgetGuardFor>,
): RunResult {
  const { scenario } = outcome;
  const gates = gatesFor(scenario, options.baseline, variant);
  const books = options.prices ?? scenario.priceBooks ?? defaultPriceBooks();
  const aggregates = withFleet(aggregateOutcome(outcome, books[0]), outcome, books[0]);
  const results = evaluateGates(gates, aggregates, { variants: byVariant(variant, aggregates) });
  return buildResult(outcome, aggregates, results, pricingFor(scenario, books), budget?.result());
}

/** Gates scoped to another variant are that variant's business; the rest apply here. */
function gatesFor(scenario: Scenario, baseline: Baseline | undefined, variant: string | undefined): Gate[] {
  const all = [...scenario.gates, ...(baseline ? baselineGates(baseline.aggregates, baseline.tolerance) : [])];
  return all.filter((gate) => gate.scope.variant === undefined || gate.scope.variant === variant);
}

function byVariant(variant: string | undefined, aggregates: Aggregates): Record<string, Aggregates> | undefined {
  return variant === undefined ? undefined : { [variant]: aggregates };
}

/** The check the load asks on each progress tick: the first abort-on-fail gate failing on the records so far. */
function abortCheckFor(
  gates: readonly Gate[],
  primary: string,
  variant: string | undefined,
  slo: Scenario['slo'],
): PlayOptions['abortCheck'] | undefined {
  const abortGates = gates.filter((gate) => gate.abortOnFail !== undefined);
  if (abortGates.length === 0) return undefined;
  return (records: readonly RequestRecord[], elapsedMs: number) => {
    const durationMs = Math.max(1, elapsedMs);
    const partial = aggregate({ records, scheduled: records.length, windows: [], primary, durationMs, slo });
    const failed = shouldAbort(abortGates, partial, elapsedMs, byVariant(variant, partial));
    return failed === undefined ? undefined : `gate ${failed.gate.key}: ${failed.gate.source} failed (abort_on_fail)`;
  };
}

/** The run's aggregates, priced in `book`, over the load's duration (or up to the last record when it stopped early). */
function aggregateOutcome(outcome: RunOutcome, book: PriceBook | undefined): Aggregates {
  const { scenario } = outcome;
  const lastEnd = outcome.records.reduce((max, r) => Math.max(max, r.endMs), 0);
  const stoppedEarly = outcome.interrupted || outcome.abortedBy !== undefined;
  const called = calledProviders(scenario);
  return aggregate({
    records: outcome.records,
    scheduled: outcome.scheduled,
    // A fault on a provider this configuration never calls (a direct run beside a relay's chain) is not its window.
    windows: outcome.windows.filter((w) => called.includes(w.provider)),
    primary: scenario.target.chain[0]!,
    durationMs: stoppedEarly ? Math.max(1, lastEnd) : scenario.load.duration,
    prices: book,
    providerModels: Object.fromEntries(scenario.providers.map((p) => [p.name, p.model])),
    ...(outcome.relayEvents ? { relayEvents: outcome.relayEvents } : {}),
    slo: scenario.slo,
    itl: outcome.itl,
    scheduleLag: outcome.scheduleLag,
    sweep: sweepOf(scenario),
  });
}

/** A fleet's figures beside the aggregates, for a builtin target of several replicas or with budgets. */
function withFleet(aggregates: Aggregates, outcome: RunOutcome, book: PriceBook | undefined): Aggregates {
  const { scenario } = outcome;
  const target = scenario.target;
  if (target.kind !== 'builtin' || (target.replicas <= 1 && target.budgets === undefined)) return aggregates;
  const lastEnd = outcome.records.reduce((max, r) => Math.max(max, r.endMs), 0);
  const fleet = fleetMetrics({
    records: outcome.records,
    replicas: target.replicas,
    windows: outcome.windows.filter((w) => target.chain.includes(w.provider)),
    relayEvents: outcome.relayEvents ?? [],
    durationMs: Math.max(lastEnd, scenario.load.duration),
    ...(target.budgets === undefined ? {} : { budgets: target.budgets }),
    ...(book === undefined ? {} : { book }),
    providerModels: Object.fromEntries(scenario.providers.map((p) => [p.name, p.model])),
  });
  return { ...aggregates, fleet };
}

/** The books and the volume figures the report projects to, from the scenario's `report:` section. */
function pricingFor(scenario: Scenario, books: PriceBook[]): Pricing {
  const { monthly_tokens: tokens, monthly_requests: requests, downtime_cost_per_hour: downtime } = scenario.report;
  return {
    books,
    ...(requests === undefined ? { monthlyTokens: tokens ?? DEFAULT_MONTHLY_TOKENS } : { monthlyRequests: requests }),
    ...(downtime === undefined ? {} : { downtimeCostPerHour: downtime }),
  };
}

/** A sweep's step rates and length, for the per-step figures; undefined for any other load. */
function sweepOf(scenario: Scenario): SweepSteps | undefined {
  const schedule = scenario.load.schedule;
  return schedule?.kind === 'sweep' ? { rates: sweepRates(schedule), stepMs: schedule.stepMs } : undefined;
}
