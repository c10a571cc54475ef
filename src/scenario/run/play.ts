/**
 * Playing a scenario once: start the fixture (fault plane, mocks, proxies, target), warm up, run
 * the recorded load while the fault timeline plays, attribute each record's serving provider, and
 * return every record with the fault windows as the fault plane confirmed them. The fixture is
 * disposed on every exit path (gate abort, exception, Ctrl-C): faults rolled back, proxies
 * deleted, processes stopped. Measuring the outcome is measure.ts's job.
 */
import type { Clock } from '../../clock.js';
import { RunInterruptedError } from '../../errors.js';
import type { FaultWindow } from '../../metrics/fault-window.js';
import type { EncodedItl } from '../../metrics/itl-histograms.js';
import type { RequestRecord } from '../../metrics/record.js';
import type { RelayTimelineEvent } from '../../metrics/relay-events.js';
import type { ScheduleLag } from '../../metrics/schedule-lag-summary.js';
import type { MockLogs } from './mock-log.js';
import { warmUp } from './drive-load.js';
import type { Scenario } from '../schema/scenario.js';
import { attributeDirect, attributeFromMockLogs, mockLogPositions, readFleetEvents } from './attribution.js';
import type { BudgetGuard } from './budget-guard.js';
import { calledProviders } from '../fixture/start-target.js';
import type { RunEvent } from './events.js';
import { RunFixture } from '../fixture/fixture.js';
import { loadPhaseMessage, runLoadPhase } from './load-phase.js';

export interface PlayOptions {
  /** Aborting stops the load, then cleans up; the outcome is marked interrupted. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: RunEvent) => void) | undefined;
  /** Use this Toxiproxy-compatible server instead of starting the embedded one. */
  faultPlaneUrl?: string | undefined;
  progressIntervalMs?: number | undefined;
  /** Sees every record as it completes (live progress). */
  onRecord?: ((record: RequestRecord) => void) | undefined;
  /**
   * Asked on every progress tick with the records so far: a reason string stops the load early
   * (abort-on-fail gates); cleanup and reporting then go on as for a normal end.
   */
  abortCheck?: ((records: readonly RequestRecord[], elapsedMs: number) => string | undefined) | undefined;
  /** The spend guard (`budget:`): stops the load, like an abort-on-fail gate, once the budget is reached. */
  budget?: BudgetGuard | undefined;
  /**
   * Where files the run makes go (mock and gateway configs, the gateway's log); created when
   * needed. Default: a fresh directory under the system's temp directory.
   */
  runDir?: string | undefined;
  /** Keep the chosen response headers on each record and the mocks' logs on the outcome (`--records`). */
  keepDetail?: boolean | undefined;
  /** Drives progress ticks (tests); the system clock by default. */
  clock?: Clock | undefined;
}

export interface RunOutcome {
  scenario: Scenario;
  startedAt: string;
  finishedAt: string;
  records: RequestRecord[];
  scheduled: number;
  /** `open-model` (arrival schedule) or `closed-model` (connections back to back). */
  mode?: 'open-model' | 'closed-model';
  /** The base URL the load called. */
  targetUrl?: string;
  /** Records whose serving provider came from the mocks' logs rather than the target's headers. */
  attributedFromLogs?: number;
  /** Why the load stopped early, when an abort-on-fail gate or the budget stopped it. */
  abortedBy?: string;
  /** The relay's own breaker and cooldown events on load time, when the target exposes them. */
  relayEvents?: RelayTimelineEvent[];
  windows: FaultWindow[];
  interrupted: boolean;
  faultPlane: { url: string; embedded: boolean };
  /** Every process the run started, so a caller (or a test) can check none is left. */
  processes: Array<{ name: string; pid: number }>;
  /** Problems met while cleaning up; a non-empty list means something may be left behind. */
  cleanupErrors: string[];
  /** Open model: how far behind schedule the generator sent (load-phase.ts). */
  scheduleLag?: ScheduleLag;
  /** Open model: the streams' pooled inter-token gaps. */
  itl?: EncodedItl;
  /** With `keepDetail`: every mock's log of the recorded load, and the load's start (epoch ms) to place it. */
  mockLogs?: { loadStartEpochMs: number; byProvider: MockLogs };
}

/** What the load and attribution produced; absent parts stay at their empty values. */
type Played = Pick<
  RunOutcome,
  | 'records'
  | 'scheduled'
  | 'mode'
  | 'attributedFromLogs'
  | 'abortedBy'
  | 'relayEvents'
  | 'interrupted'
  | 'scheduleLag'
  | 'itl'
  | 'mockLogs'
>;

export async function playScenario(scenario: Scenario, options: PlayOptions = {}): Promise<RunOutcome> {
  const emit = options.onEvent ?? (() => {});
  const startedAt = new Date().toISOString();
  const fixture = new RunFixture(scenario, { ...options, emit });
  const mode = scenario.load.mode === 'closed' ? 'closed-model' : 'open-model';
  let played: Played = { records: [], scheduled: 0, mode, attributedFromLogs: 0, interrupted: false };
  try {
    await using running = fixture;
    await running.start();
    played = await play(running, options, emit);
  } catch (error) {
    if (!(error instanceof RunInterruptedError)) throw error;
    played = { ...played, interrupted: true };
  }
  return {
    scenario,
    ...played,
    startedAt,
    finishedAt: new Date().toISOString(),
    records: played.records.sort((a, b) => a.seq - b.seq),
    targetUrl: fixture.targetUrl,
    windows: fixture.windows(),
    faultPlane: fixture.faultPlane,
    processes: fixture.services.map((s) => ({ name: s.name, pid: s.pid })),
    cleanupErrors: fixture.cleanupErrors,
  };
}

/** Warmup, the recorded load with the fault timeline, then attribution; the fixture is up. */
async function play(fixture: RunFixture, options: PlayOptions, emit: (event: RunEvent) => void): Promise<Played> {
  const { scenario } = fixture;
  const headers = fixture.targetHeaders;
  // An external target's headers go out with every request, warmup included.
  const load = headers === undefined ? scenario.load : { ...scenario.load, mix: { ...scenario.load.mix, headers } };
  fixture.timeline();
  if (load.warmup > 0) {
    emit({ kind: 'phase', message: `warmup: ${load.warmup / 1000}s (not recorded)` });
    await warmUp({ ...fixture.targetReach, load, seed: scenario.seed, signal: options.signal });
    fixture.checkInterrupt();
  }
  const logFrom = await mockLogPositions(fixture);
  emit({ kind: 'phase', message: loadPhaseMessage(load) });
  const loaded = await runLoadPhase(fixture, load, { ...options, emit, keepHeaders: options.keepDetail });
  const loadStartEpochMs = performance.timeOrigin + loaded.loadStart;
  const relayEvents = await readFleetEvents(fixture, loadStartEpochMs);
  emit({ kind: 'phase', message: "attributing requests from the mock providers' logs" });
  const attributed = await attributeFromMockLogs(fixture, loaded.records, logFrom);
  const direct = scenario.target.kind === 'direct' ? calledProviders(scenario)[0] : undefined;
  return {
    records: direct === undefined ? attributed.records : attributeDirect(attributed.records, direct),
    scheduled: loaded.scheduled,
    mode: loaded.mode,
    attributedFromLogs: attributed.attributedFromLogs,
    interrupted: loaded.interrupted,
    ...(loaded.abortedBy === undefined ? {} : { abortedBy: loaded.abortedBy }),
    ...(relayEvents === undefined ? {} : { relayEvents }),
    ...(loaded.scheduleLag === undefined ? {} : { scheduleLag: loaded.scheduleLag }),
    ...(loaded.itl === undefined ? {} : { itl: loaded.itl }),
    ...(options.keepDetail === true ? { mockLogs: { loadStartEpochMs, byProvider: attributed.logs } } : {}),
  };
}
