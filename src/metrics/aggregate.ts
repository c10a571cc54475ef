/**
 * Aggregation: records + fault windows -> the numbers every report and gate reads. Pure.
 * Errors and timeouts are in the latency histogram with the latency they had: leaving them out
 * would hide exactly the tail a failover drill is about.
 */
import { effectiveSpan, type FaultWindow } from './fault-window.js';
import { analyseWindows, type WindowAnalysis } from './failover.js';
import { createHistogram, encodeHistogram, recordMicros, summarize, type LatencySummary } from './histogram.js';
import { latencyMicros, serviceMicros, type FailureKind, type RequestRecord } from './record.js';
import { disruptionMs, RECOVERY_DEFAULTS, recoveryMs, sliceAvailability } from './recovery.js';
import { buildSlices, type Slice } from './slices.js';

export type Phase = 'baseline' | 'fault' | 'recovery';

export interface Tally {
  requests: number;
  ok: number;
  failed: number;
  dropped: number;
  servedBy: Record<string, number>;
}

export interface Aggregates {
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
  /** Latency from intended start, every completed or failed request (not dropped ones). */
  latency: LatencySummary;
  latencyHistogram: string;
  service: LatencySummary;
  servedBy: Record<string, number>;
  phases: Record<Phase, Tally>;
  windows: Array<WindowAnalysis & { disruptionMs: number | undefined; recoveryMs: number | undefined }>;
  slices: Slice[];
  sliceMs: number;
}

export interface AggregateInput {
  records: readonly RequestRecord[];
  scheduled: number;
  windows: readonly FaultWindow[];
  /** The chain's first provider: failover is measured away from it. */
  primary: string;
  durationMs: number;
  sliceMs?: number;
}

export function aggregate(input: AggregateInput): Aggregates {
  const latency = createHistogram();
  const service = createHistogram();
  const failedByKind: Partial<Record<FailureKind, number>> = {};
  const overall = emptyTally();
  const phases: Record<Phase, Tally> = { baseline: emptyTally(), fault: emptyTally(), recovery: emptyTally() };
  // A window the fault plane never confirmed (cancelled by an interrupt, or failed) did not happen.
  const happened = input.windows.filter((w) => w.appliedMs !== undefined);
  const spans = happened.map((w) => effectiveSpan(w, input.durationMs));
  const firstOnset = Math.min(...spans.map((s) => s.startMs));

  for (const record of input.records) {
    if (record.outcome !== 'dropped') {
      recordMicros(latency, latencyMicros(record));
      recordMicros(service, serviceMicros(record));
    }
    if (record.outcome === 'failed') {
      const kind = record.failure ?? 'other';
      failedByKind[kind] = (failedByKind[kind] ?? 0) + 1;
    }
    const inFault = spans.some((s) => record.intendedMs >= s.startMs && record.intendedMs < s.endMs);
    const phase: Phase = inFault ? 'fault' : record.intendedMs < firstOnset ? 'baseline' : 'recovery';
    count(overall, record);
    count(phases[phase], record);
  }

  const { ok, failed, dropped } = overall;
  const scheduled = input.scheduled;
  const sliceMs = input.sliceMs ?? 1000;
  const slices = buildSlices(input.records, sliceMs, input.durationMs);
  const fine = buildSlices(input.records, RECOVERY_DEFAULTS.sliceMs, input.durationMs);
  const windows = analyseWindows(input.records, happened, input.primary, input.durationMs).map((w) => ({
    ...w,
    disruptionMs: disruptionMs(fine, RECOVERY_DEFAULTS.sliceMs, w.startMs),
    recoveryMs: w.endMs >= input.durationMs ? undefined : recoveryMs(fine, RECOVERY_DEFAULTS.sliceMs, w.provider, w.startMs, w.endMs),
  }));
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
    latency: summarize(latency),
    latencyHistogram: encodeHistogram(latency),
    service: summarize(service),
    servedBy: overall.servedBy,
    phases,
    windows,
    slices,
    sliceMs,
  };
}

function emptyTally(): Tally {
  return { requests: 0, ok: 0, failed: 0, dropped: 0, servedBy: {} };
}

function count(tally: Tally, record: RequestRecord): void {
  tally.requests++;
  tally[record.outcome]++;
  if (record.outcome === 'ok') {
    const provider = record.provider ?? 'unknown';
    tally.servedBy[provider] = (tally.servedBy[provider] ?? 0) + 1;
  }
}
