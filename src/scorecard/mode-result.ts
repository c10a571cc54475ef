/**
 * One mode's row of the scorecard: the records of a mode's run that were sent while the fault was
 * on the primary, judged (verdict.ts), with the window's latency; or, when the harness could not
 * run the mode, a row that says so and is no verdict on the gateway.
 */
import { effectiveSpan } from '../metrics/fault-window.js';
import type { RequestRecord } from '../metrics/record.js';
import type { RunOutcome } from '../scenario/run/play.js';
import { FAULTED, type Pace } from './mode-scenario.js';
import type { FailureMode } from './modes.js';
import { judgeMode, type ModeJudgement, type Verdict } from './verdict.js';

export interface ModeResult extends Omit<ModeJudgement, 'verdict'> {
  /** `error`: the harness could not run the mode (see `harnessError`); not a verdict on the gateway. */
  verdict: Verdict | 'error';
  harnessError?: string;
  mode: string;
  story: string;
  pace: Pace['name'];
  /** Requests sent inside the fault window (the ones judged). */
  requests: number;
  /** Latency of those requests from their intended start, ms. */
  latency: { p50Ms: number; maxMs: number } | undefined;
  /** Problems cleaning up the mode's run (processes or proxies possibly left behind). */
  cleanupErrors: string[];
}

/** The records sent while the fault was on the primary, judged. */
export function judgeOutcome(mode: FailureMode, pace: Pace, outcome: RunOutcome, boundMs: number): ModeResult {
  const inWindow = windowRecords(outcome);
  const latencies = inWindow.map((r) => r.endMs - r.intendedMs).sort((a, b) => a - b);
  return {
    mode: mode.name,
    story: mode.story,
    pace: pace.name,
    requests: inWindow.length,
    latency:
      latencies.length === 0
        ? undefined
        : { p50Ms: latencies[Math.floor((latencies.length - 1) / 2)]!, maxMs: latencies[latencies.length - 1]! },
    cleanupErrors: outcome.cleanupErrors,
    ...judgeMode(inWindow, { faulted: FAULTED, boundMs, judge: mode.judge }),
  };
}

export function harnessErrorResult(mode: FailureMode, pace: Pace, error: unknown): ModeResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    mode: mode.name,
    story: mode.story,
    pace: pace.name,
    verdict: 'error',
    harnessError: message,
    requests: 0,
    latency: undefined,
    cleanupErrors: [],
    counts: {},
    attempts: {},
    hammered: 0,
    evidence: [`harness error: ${message}`],
  };
}

function windowRecords(outcome: RunOutcome): RequestRecord[] {
  const spans = outcome.windows
    .filter((w) => w.provider === FAULTED)
    .map((w) => effectiveSpan(w, outcome.scenario.load.duration));
  return outcome.records.filter((r) => spans.some((s) => r.intendedMs >= s.startMs && r.intendedMs < s.endMs));
}
