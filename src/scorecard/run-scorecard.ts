/**
 * The scorecard runner: for each pace (single requests, under load) and each failure mode, play
 * the mode's scenario through the ordinary pipeline (playScenario: mocks, fault plane, target,
 * load, mock-log attribution), keep the records sent inside the fault window, and judge them.
 * Modes run one after another, each with fresh processes, so one mode's breaker state never
 * leaks into the next.
 */
import { join } from 'node:path';
import { playScenario, type RunOutcome } from '../scenario/run/play.js';
import type { Scenario } from '../scenario/schema/scenario.js';
import { DEFAULT_TIMING, modeScenario, type ModeTiming, type Pace } from './mode-scenario.js';
import type { FailureMode } from './modes.js';
import { checkTargetAnswers, type ScorecardTarget } from './scorecard-target.js';

export type { ModeResult } from './mode-result.js';
import { harnessErrorResult, judgeOutcome, type ModeResult } from './mode-result.js';

export interface ScorecardOptions {
  target: ScorecardTarget;
  modes: readonly FailureMode[];
  paces: readonly Pace[];
  /** A clean error later than this is not bounded (default: 8 s, under the client's 10 s deadline). */
  boundMs?: number;
  timing?: ModeTiming;
  /** Where each mode's run directory goes (`<dir>/<pace>/<mode>`); default: a temp directory per run. */
  runDir?: string | undefined;
  faultPlaneUrl?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ScorecardProgress) => void) | undefined;
  /** Sees every mode's scenario before the first runs (reach, environment): a refusal must not come mid-card. */
  check?: ((scenario: Scenario) => void) | undefined;
}

export type ScorecardProgress =
  | { kind: 'mode-start'; pace: Pace; mode: FailureMode; index: number; total: number }
  | { kind: 'mode-done'; result: ModeResult; index: number; total: number };

export interface ScorecardResult {
  target: string;
  startedAt: string;
  finishedAt: string;
  boundMs: number;
  paces: Pace[];
  results: ModeResult[];
  interrupted: boolean;
}

export const DEFAULT_BOUND_MS = 8000;

export async function runScorecard(options: ScorecardOptions): Promise<ScorecardResult> {
  const timing = options.timing ?? DEFAULT_TIMING;
  const boundMs = options.boundMs ?? DEFAULT_BOUND_MS;
  const startedAt = new Date().toISOString();
  const results: ModeResult[] = [];
  const plans = options.paces.flatMap((pace) =>
    options.modes.map((mode) => ({ pace, mode, scenario: modeScenario(mode, pace, options.target, timing) })),
  );
  for (const plan of plans) options.check?.(plan.scenario);
  await checkTargetAnswers(options.target);
  let interrupted = false;
  for (const [index, { pace, mode, scenario }] of plans.entries()) {
    options.onProgress?.({ kind: 'mode-start', pace, mode, index, total: plans.length });
    const runDir = options.runDir === undefined ? undefined : join(options.runDir, dirName(pace), mode.name);
    let result: ModeResult;
    try {
      const outcome = await playOne(scenario, options, runDir);
      if (outcome.interrupted) {
        interrupted = true;
        break;
      }
      result = judgeOutcome(mode, pace, outcome, boundMs);
    } catch (error) {
      // The harness could not run this mode (a process that did not start on a loaded machine):
      // no verdict on the gateway, and the other modes still run.
      result = harnessErrorResult(mode, pace, error);
    }
    results.push(result);
    options.onProgress?.({ kind: 'mode-done', result, index, total: plans.length });
  }
  return {
    target: options.target.label,
    startedAt,
    finishedAt: new Date().toISOString(),
    boundMs,
    paces: [...options.paces],
    results,
    interrupted,
  };
}

/**
 * One mode's run, on a signal of its own that follows the caller's: a run leaves listeners on
 * the signal it is given, and a card of 28 runs on one signal would pile them up.
 */
async function playOne(scenario: Scenario, options: ScorecardOptions, runDir: string | undefined): Promise<RunOutcome> {
  const own = new AbortController();
  const follow = (): void => own.abort(options.signal?.reason);
  if (options.signal?.aborted) follow();
  options.signal?.addEventListener('abort', follow, { once: true });
  try {
    return await playScenario(scenario, { signal: own.signal, faultPlaneUrl: options.faultPlaneUrl, runDir });
  } finally {
    options.signal?.removeEventListener('abort', follow);
  }
}

function dirName(pace: Pace): string {
  return pace.name.replace(' ', '-');
}
