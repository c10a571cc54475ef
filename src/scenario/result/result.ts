/**
 * result.json: everything a later report, comparison or baseline needs, with the latency
 * histogram encoded so runs can be merged exactly. Pure: the CLI writes it.
 */
import os from 'node:os';
import type { Aggregates } from '../../metrics/aggregate.js';
import type { CapacityAnalysis } from '../../metrics/capacity-frontier.js';
import type { PriceBook } from '../../metrics/cost.js';
import type { GateResult } from '../gates/grammar.js';
import type { BudgetResult } from '../run/budget-guard.js';
import type { RunOutcome } from '../run/play.js';
import type { ShardsSummary } from '../shard/shards-summary.js';
import { redactSecrets } from './redact.js';
import { withoutArrivals } from '../../load/trace.js';
import type { LoadSpec } from '../schema/load-schema.js';

export const RESULT_FORMAT = 'relaybench.result/1';

export interface RunResult {
  format: typeof RESULT_FORMAT;
  scenario: {
    name: string;
    file: string;
    description: string;
    seed: number;
    target: RunOutcome['scenario']['target'];
    /**
     * Each provider's dialect and the model it serves (what requests it serves are priced as);
     * where it was (`kind`, `url`) and the name of its key's variable, for a provider at a URL.
     */
    providers?: Array<{
      name: string;
      dialect: string;
      model: string;
      kind?: string;
      url?: string;
      api_key_env?: string;
    }>;
    load: RunOutcome['scenario']['load'];
    faults: RunOutcome['scenario']['faults'];
  };
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  /** Set when an abort-on-fail gate or the budget stopped the load early: which one, and why. */
  abortedBy?: string;
  /** The spend guard (`budget:`), when the scenario sets one: the budget, what was spent, whether it stopped the run. */
  budget?: BudgetResult;
  machine: { platform: string; cpus: number; cpuModel: string; memoryGiB: number; node: string };
  faultPlane: RunOutcome['faultPlane'];
  /** Fault windows with the times the fault plane confirmed (ms since load start). */
  faults: RunOutcome['windows'];
  aggregates: Aggregates;
  /** The books the traffic is priced in and the volume figures are projected to (absent in older results). */
  pricing?: Pricing;
  gates: GateEntry[];
  passed: boolean;
  /** Processes the run started (all stopped before the result was written). */
  processes: RunOutcome['processes'];
  cleanupErrors: string[];
  /** A variants run: every configuration's own result, in run order (see variants-result.ts). */
  variants?: VariantRun[];
  /** A merged sharded run (`relaybench merge`): the shards and the spread of their start offsets. */
  shards?: ShardsSummary;
  /** A capacity sweep: per configuration, its steps, added latency, throughput frontier and knee (capacity-result.ts). */
  capacity?: CapacityAnalysis[];
}

/** What cost and downtime are projected with: the scenario's `report:` section and the books read. */
export interface Pricing {
  books: PriceBook[];
  /** Projected monthly cost at this many tokens a month (default 500M), unless `monthlyRequests` is set. */
  monthlyTokens?: number;
  monthlyRequests?: number;
  /** USD per hour of downtime: the downtime-cost line. */
  downtimeCostPerHour?: number;
}

/** One configuration of a variants run. */
export interface VariantRun {
  name: string;
  result: RunResult;
}

/** One evaluated gate as result.json keeps it. */
export interface GateEntry {
  /** The bare metric (`latency`), which decides the unit of `actual`. */
  metric: string;
  /** The metric key with its scope (`latency{phase:fault}`); absent in results before scopes. */
  key?: string;
  expression: string;
  actual: number | null;
  passed: boolean;
  note?: string;
  /** `baseline` for the regression gates `run --baseline` adds. */
  origin?: 'scenario' | 'baseline';
}

export function buildResult(
  outcome: RunOutcome,
  aggregates: Aggregates,
  gates: readonly GateResult[],
  pricing?: Pricing,
  budget?: BudgetResult,
): RunResult {
  const { scenario } = outcome;
  return {
    format: RESULT_FORMAT,
    scenario: redactSecrets({
      name: scenario.name,
      file: scenario.file,
      description: scenario.description,
      seed: scenario.seed,
      target: scenario.target,
      providers: (scenario.providers ?? []).map((p) => ({
        name: p.name,
        dialect: p.dialect,
        model: p.model,
        ...(p.url === undefined ? {} : { kind: p.kind, url: p.url }),
        ...(p.api_key_env === undefined ? {} : { api_key_env: p.api_key_env }),
      })),
      load: describedLoad(scenario.load),
      faults: scenario.faults,
    }),
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    interrupted: outcome.interrupted,
    ...(outcome.abortedBy === undefined ? {} : { abortedBy: outcome.abortedBy }),
    ...(budget ? { budget } : {}),
    machine: {
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    faultPlane: outcome.faultPlane,
    faults: outcome.windows,
    aggregates,
    ...(pricing ? { pricing } : {}),
    gates: gates.map((g) => ({
      metric: g.gate.metric,
      key: g.gate.key,
      expression: g.gate.source,
      origin: g.gate.origin ?? 'scenario',
      actual: g.actual ?? null,
      passed: g.passed,
      ...(g.note ? { note: g.note } : {}),
    })),
    // A budget that stopped the run fails it, as an abort-on-fail gate would.
    passed: gates.every((g) => g.passed) && !outcome.interrupted && budget?.reached !== true,
    processes: outcome.processes,
    cleanupErrors: outcome.cleanupErrors,
  };
}

/** The load as result.json tells it: a trace by its file and count, not all its arrivals. */
function describedLoad(load: LoadSpec): LoadSpec {
  return load.schedule?.kind === 'trace' ? { ...load, schedule: withoutArrivals(load.schedule) } : load;
}
