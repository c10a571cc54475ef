/**
 * The recorded load: drives the scenario's load at the fixture's target while the fault timeline
 * plays (its clock starts with the load's; faults held past the load's end come off once the
 * requests in flight have drained), emits a progress tick every `progressIntervalMs`, and
 * asks `abortCheck` on each tick whether an abort-on-fail gate stops the load early; the spend
 * guard (`budget`) stops it on the record that reaches the budget. The caller's signal stops it
 * too (an interruption, unlike a gate's or the budget's verdict).
 */
import type { FaultTimeline } from '../../chaos/timeline.js';
import { systemClock, type Clock } from '../../clock.js';
import type { EncodedItl } from '../../metrics/itl-histograms.js';
import type { RequestRecord } from '../../metrics/record.js';
import type { ScheduleLag } from '../../metrics/schedule-lag-summary.js';
import { driveLoad } from './drive-load.js';
import type { LoadSpec } from '../schema/load-schema.js';
import type { RunEvent } from './events.js';
import type { RunFixture } from '../fixture/fixture.js';
import type { BudgetGuard } from './budget-guard.js';
import type { LoadShare } from '../../load/load-share.js';

export interface LoadPhaseOptions {
  signal?: AbortSignal | undefined;
  emit: (event: RunEvent) => void;
  onRecord?: ((record: RequestRecord) => void) | undefined;
  abortCheck?: ((records: readonly RequestRecord[], elapsedMs: number) => string | undefined) | undefined;
  /** The spend guard: meters every record and stops the load the moment the budget is reached. */
  budget?: BudgetGuard | undefined;
  progressIntervalMs?: number | undefined;
  /** Keep the chosen response headers on each record, for `--records`. */
  keepHeaders?: boolean | undefined;
  clock?: Clock | undefined;
  /** A shard run: this generator's share of the schedule and the shared start (load time 0). */
  share?: LoadShare | undefined;
}

/** What the load phase measured; records in completion order. */
export interface LoadPhaseResult {
  records: RequestRecord[];
  scheduled: number;
  mode: 'open-model' | 'closed-model';
  interrupted: boolean;
  abortedBy?: string;
  /** The load's origin on the performance clock (ms): load time 0. */
  loadStart: number;
  /** Open model: the generator's schedule lag and the streams' pooled inter-token gaps. */
  scheduleLag?: ScheduleLag;
  itl?: EncodedItl;
  /** A shard run: how late it started after the shared start (ms) and the arrivals it missed. */
  lateByMs?: number;
  missed?: number;
}

export async function runLoadPhase(
  fixture: RunFixture,
  load: LoadSpec,
  options: LoadPhaseOptions,
): Promise<LoadPhaseResult> {
  const clock = options.clock ?? systemClock;
  const timeline = fixture.timeline();
  const result: LoadPhaseResult = {
    records: [],
    scheduled: 0,
    mode: load.mode === 'closed' ? 'closed-model' : 'open-model',
    interrupted: false,
    loadStart: clock.now(),
  };
  const counts = { ok: 0, failed: 0, dropped: 0 };
  // The load stops on the caller's signal, or early when an abort-on-fail gate says so.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const tick = progressTick({ result, counts, stop, load, timeline, options, clock });
  const progress = clock.setInterval(tick, options.progressIntervalMs ?? 1000);
  try {
    const run = await driveLoad({
      ...fixture.targetReach,
      load,
      seed: fixture.scenario.seed,
      share: options.share,
      signal: stop.signal,
      budget: options.budget,
      keepHeaders: options.keepHeaders,
      onStart: (origin) => {
        result.loadStart = origin;
        timeline.start(origin);
      },
      onRecord: (record) => {
        result.records.push(record);
        counts[record.outcome]++;
        options.onRecord?.(record);
        const spent = options.budget?.observe(record);
        if (spent !== undefined) stopForBudget(spent, result, options);
      },
    });
    // Every request has completed or met its timeout: faults held past the load's end come off now.
    await timeline.loadDrained();
    result.scheduled = run.scheduled;
    // A gate that stopped the load is a verdict, not an interruption.
    result.interrupted = run.interrupted && result.abortedBy === undefined;
    result.mode = run.mode;
    if (run.scheduleLag) result.scheduleLag = run.scheduleLag;
    if (run.itl) result.itl = run.itl;
    if (run.missed !== undefined) Object.assign(result, { lateByMs: run.lateByMs ?? 0, missed: run.missed });
  } finally {
    clock.clearInterval(progress);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return result;
}

interface TickContext {
  result: LoadPhaseResult;
  counts: { ok: number; failed: number; dropped: number };
  /** Aborted to stop the load when the abort check gives a reason. */
  stop: AbortController;
  load: LoadSpec;
  timeline: FaultTimeline;
  options: LoadPhaseOptions;
  clock: Clock;
}

/** Every progress interval: a progress event, then the abort check, which may stop the load. */
function progressTick({ result, counts, stop, load, timeline, options, clock }: TickContext): () => void {
  return () => {
    const activeFaults = timeline.active().map((f) => `${f.type}@${f.provider}`);
    // Clamped at 0: a shard's origin is the shared start, which may still be ahead.
    const elapsedMs = Math.max(0, Math.min(load.duration, clock.now() - result.loadStart));
    const scheduled = result.records.length;
    options.emit({ kind: 'progress', elapsedMs, totalMs: load.duration, scheduled, ...counts, activeFaults });
    const reason = result.abortedBy === undefined ? options.abortCheck?.(result.records, elapsedMs) : undefined;
    if (reason === undefined) return;
    result.abortedBy = reason;
    options.emit({ kind: 'phase', message: `stopping early: ${reason}` });
    stop.abort();
  };
}

/**
 * The budget is reached: the run is reported as stopped early, as by an abort-on-fail gate
 * (unless a gate already stopped it). The load itself has already stopped sending (drive-load.ts
 * asks the guard); requests in flight run on to their deadline and count.
 */
function stopForBudget(reason: string, result: LoadPhaseResult, options: LoadPhaseOptions): void {
  if (result.abortedBy !== undefined) return;
  result.abortedBy = reason;
  options.emit({ kind: 'phase', message: `stopping early: ${reason}` });
}

/** How the load phase announces itself. */
export function loadPhaseMessage(load: LoadSpec): string {
  const s = load.schedule;
  const shape =
    load.mode === 'closed'
      ? `closed model, ${load.connections} connections`
      : s?.kind === 'trace'
        ? `trace ${s.file} (${s.arrivals.length} arrivals, time_scale ${s.timeScale})`
        : s?.kind === 'sweep'
          ? `sweep ${s.from}/s to ${s.to}/s in ${s.steps} steps of ${s.stepMs / 1000}s`
          : `${s?.kind ?? 'constant'} ${load.rate}/s`;
  return `load: ${shape} for ${load.duration / 1000}s`;
}
