/**
 * Aggregation: records + fault windows -> the numbers every report and gate reads. Pure.
 * Errors and timeouts are in the latency histogram with the latency they had: leaving them out
 * would hide exactly the tail a failover drill is about.
 */
import { priceUsage, servingModel, usageOf, type CostSummary, type PriceBook, type TokenUsage } from './cost.js';
import { effectiveSpan, type FaultWindow } from './fault-window.js';
import { analyseWindows, type WindowAnalysis } from './failover.js';
import { failoverPenalty, type FailoverPenalty } from './failover-penalty.js';
import { UNATTRIBUTED, type FailureKind, type RequestRecord } from './record.js';
import { disruptionMs, RECOVERY_DEFAULTS, recoveryMs, servedNothingBefore, sliceAvailability } from './recovery.js';
import type { FleetMetrics } from './fleet.js';
import type { RelayTimelineEvent } from './relay-events.js';
import { buildSlices, type Slice } from './slices.js';
import { TimingsRecorder, type Timings } from './timings.js';
import type { EncodedItl } from './itl-histograms.js';
import type { ScheduleLag } from './schedule-lag-summary.js';
import { phaseDurationsMs } from './phase-spans.js';
import { capacitySteps, type CapacitySteps, type SweepSteps } from './capacity-steps.js';
import { servingStats, type ServingStats } from './serving.js';
import type { ServingSlo } from './slo.js';

export type Phase = 'baseline' | 'fault' | 'recovery';

export interface Tally {
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
  servedBy: Record<string, number>;
}

/** Overall latency, service time and TTFT ({@link Timings}), and everything derived from the records. */
export interface Aggregates extends Timings {
  scheduled: number;
  ok: number;
  failed: number;
  dropped: number;
  failedByKind: Partial<Record<FailureKind, number>>;
  /** scheduled === ok + failed + dropped; anything else is a harness bug and is reported. */
  accountingHolds: boolean;
  /** Request availability: ok / scheduled. */
  successRate: number;
  /** (failed + dropped) per 1000 scheduled. */
  failuresPer1k: number;
  /** Share of 1 s slices with traffic whose success ratio is >= 99%; undefined without traffic. */
  sliceAvailability: number | undefined;
  servedBy: Record<string, number>;
  phases: Record<Phase, Tally>;
  /** Latency, service time and TTFT histograms per phase. */
  phaseTimings: Record<Phase, Timings>;
  /**
   * Per provider the relay attributed requests to (`x-relay-provider`): how they ended and
   * their timings. Failures the relay did not attribute are in the overall figures only.
   */
  providers: Record<string, ProviderStats>;
  windows: Array<
    WindowAnalysis & {
      disruptionMs: number | undefined;
      recoveryMs: number | undefined;
      /** Set when the provider served nothing before its first fault: no share to regain, recovery n/a. */
      servedNothingBefore?: true;
    }
  >;
  /** Successes that needed a fallback vs those that did not (see failover-penalty.ts). */
  failoverPenalty: FailoverPenalty;
  slices: Slice[];
  sliceMs: number;
  /** The fine timeline (250 ms) that disruption and recovery are measured on. */
  fineSlices: Slice[];
  fineSliceMs: number;
  /** Tokens of the successes per serving model: any price book prices them (report/pricing.ts). */
  usage: TokenUsage;
  /** Cost of the successes in the run's first price book (what `cost_per_1k` gates read); absent without one. */
  cost?: CostSummary;
  /** Total USD and USD per 1,000 priced successes, when any success could be priced. */
  costUsd?: number;
  costPer1k?: number;
  /** The relay's breaker/cooldown events on load time (empty when the target exposes none). */
  relayEvents: RelayTimelineEvent[];
  /** ITL, TPOT, tokens/s, token throughput and goodput: overall, per phase, per provider (serving.ts). */
  serving?: ServingStats;
  /** How far behind its schedule the open-model generator sent (absent: closed model, or not measured). */
  scheduleLag?: ScheduleLag;
  /** A fleet's own figures (per replica, convergence, dead-provider attempts, budget overspend): fleet.ts. */
  fleet?: FleetMetrics;
  /** A capacity sweep's steps (capacity-steps.ts), when the load was a sweep. */
  capacity?: CapacitySteps;
}

export interface ProviderStats extends Timings {
  requests: number;
  ok: number;
  failed: number;
}

export interface AggregateInput {
  records: readonly RequestRecord[];
  scheduled: number;
  windows: readonly FaultWindow[];
  /** The chain's first provider: failover is measured away from it. */
  primary: string;
  durationMs: number;
  sliceMs?: number;
  /** Price book for cost; without one, cost is not computed. */
  prices?: PriceBook;
  /** Each provider's (serving) model, for pricing: scenario `providers[].model`. */
  providerModels?: Readonly<Record<string, string>>;
  /** Relay events already on load time (relayEventsOnLoadTime). */
  relayEvents?: readonly RelayTimelineEvent[];
  /** The scenario's per-request objectives, for goodput. */
  slo?: ServingSlo | undefined;
  /** The generator's pooled inter-token gaps (open model). */
  itl?: EncodedItl | undefined;
  /** The generator's schedule lag (open model). */
  scheduleLag?: ScheduleLag | undefined;
  /** The sweep's steps, when the load was a capacity sweep: per-step figures in `capacity`. */
  sweep?: SweepSteps | undefined;
}

export function aggregate(input: AggregateInput): Aggregates {
  const overallTimings = new TimingsRecorder();
  const phaseRecorders: Record<Phase, TimingsRecorder> = {
    baseline: new TimingsRecorder(),
    fault: new TimingsRecorder(),
    recovery: new TimingsRecorder(),
  };
  const providerRecorders = new Map<
    string,
    { recorder: TimingsRecorder; requests: number; ok: number; failed: number }
  >();
  const failedByKind: Partial<Record<FailureKind, number>> = {};
  const overall = emptyTally();
  const phases: Record<Phase, Tally> = { baseline: emptyTally(), fault: emptyTally(), recovery: emptyTally() };
  // A window the fault plane never confirmed (cancelled by an interrupt, or failed) did not happen.
  const happened = input.windows.filter((w) => w.appliedMs !== undefined);
  const spans = happened.map((w) => effectiveSpan(w, input.durationMs));
  const firstOnset = Math.min(...spans.map((s) => s.startMs));
  const phaseOf = (intendedMs: number): Phase =>
    spans.some((s) => intendedMs >= s.startMs && intendedMs < s.endMs)
      ? 'fault'
      : intendedMs < firstOnset
        ? 'baseline'
        : 'recovery';

  for (const record of input.records) {
    overallTimings.record(record);
    if (record.outcome === 'failed') {
      const kind = record.failure ?? 'other';
      failedByKind[kind] = (failedByKind[kind] ?? 0) + 1;
    }
    const phase = phaseOf(record.intendedMs);
    count(overall, record);
    count(phases[phase], record);
    phaseRecorders[phase].record(record);
    if (record.provider !== undefined && record.outcome !== 'dropped') {
      let entry = providerRecorders.get(record.provider);
      if (!entry)
        providerRecorders.set(
          record.provider,
          (entry = { recorder: new TimingsRecorder(), requests: 0, ok: 0, failed: 0 }),
        );
      entry.requests++;
      entry[record.outcome]++;
      entry.recorder.record(record);
    }
  }

  const { ok, failed, dropped } = overall;
  const scheduled = input.scheduled;
  const sliceMs = input.sliceMs ?? 1000;
  const slices = buildSlices(input.records, sliceMs, input.durationMs);
  const fine = buildSlices(input.records, RECOVERY_DEFAULTS.sliceMs, input.durationMs);
  const firstOnsetOn = (provider: string): number =>
    Math.min(...spans.filter((_, i) => happened[i]!.provider === provider).map((s) => s.startMs));
  const windows = analyseWindows(input.records, happened, input.primary, input.durationMs).map((w) => ({
    ...w,
    disruptionMs: disruptionMs(fine, RECOVERY_DEFAULTS.sliceMs, w.startMs),
    recoveryMs:
      w.endMs >= input.durationMs
        ? undefined
        : recoveryMs(fine, RECOVERY_DEFAULTS.sliceMs, w.provider, w.startMs, w.endMs, firstOnsetOn(w.provider)),
    ...(servedNothingBefore(fine, RECOVERY_DEFAULTS.sliceMs, w.provider, w.startMs, firstOnsetOn(w.provider))
      ? { servedNothingBefore: true as const }
      : {}),
  }));
  const timings = overallTimings.finish();
  const providers: Record<string, ProviderStats> = {};
  for (const [name, entry] of [...providerRecorders].sort((a, b) => a[0].localeCompare(b[0]))) {
    providers[name] = { requests: entry.requests, ok: entry.ok, failed: entry.failed, ...entry.recorder.finish() };
  }
  const usage = usageOf(input.records, servingModel(input.providerModels ?? {}));
  const cost = input.prices ? priceUsage(usage, input.prices) : undefined;
  return {
    scheduled,
    ok,
    failed,
    dropped,
    failedByKind,
    accountingHolds: scheduled === ok + failed + dropped && input.records.length === scheduled,
    successRate: scheduled === 0 ? 0 : ok / scheduled,
    failuresPer1k: scheduled === 0 ? 0 : ((failed + dropped) / scheduled) * 1000,
    sliceAvailability: sliceAvailability(slices),
    ...timings,
    servedBy: overall.servedBy,
    phases,
    phaseTimings: {
      baseline: phaseRecorders.baseline.finish(),
      fault: phaseRecorders.fault.finish(),
      recovery: phaseRecorders.recovery.finish(),
    },
    providers,
    windows,
    failoverPenalty: failoverPenalty(input.records, input.primary),
    slices,
    sliceMs,
    fineSlices: fine,
    fineSliceMs: RECOVERY_DEFAULTS.sliceMs,
    usage,
    ...(cost ? { cost } : {}),
    ...(cost && cost.priced > 0 ? { costUsd: cost.totalUsd, costPer1k: cost.per1k } : {}),
    relayEvents: [...(input.relayEvents ?? [])],
    serving: servingStats({
      records: input.records,
      phaseOf,
      durationMs: input.durationMs,
      phaseDurationsMs: phaseDurationsMs(spans, input.durationMs),
      slo: input.slo,
      itl: input.itl,
    }),
    ...(input.scheduleLag ? { scheduleLag: input.scheduleLag } : {}),
    ...(input.sweep ? { capacity: capacitySteps(input.records, input.sweep, input.slo) } : {}),
  };
}

function emptyTally(): Tally {
  return { requests: 0, ok: 0, failed: 0, dropped: 0, servedBy: {} };
}

function count(tally: Tally, record: RequestRecord): void {
  tally.requests++;
  tally[record.outcome]++;
  if (record.outcome === 'ok') {
    const provider = record.provider ?? UNATTRIBUTED;
    tally.servedBy[provider] = (tally.servedBy[provider] ?? 0) + 1;
  }
}
