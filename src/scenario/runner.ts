/**
 * The runner: starts the mock providers, the fault plane and the target (our relay, nothing for a
 * direct target, or an external gateway), puts one fault-plane proxy in front of each provider,
 * warms up, drives the load (open or closed model) while the fault timeline plays, attributes each
 * record's serving provider from the mocks' logs, and returns every record. Proxies carry the
 * run's id (`relaybench_<pid>_<run>_<provider>`); before creating its own, a run deletes those of
 * earlier runs whose process is gone (run-proxies.ts). Whatever happens (gate failure, exception,
 * Ctrl-C) it rolls back every fault -- toxics, disabled proxies and mock HTTP faults -- deletes its
 * proxies and stops every process it started, in that order.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FaultPlaneClient } from '../chaos/client.js';
import { MockControlClient } from '../mock/control-client.js';
import { FaultTimeline, type TimelineEvent, type TimelineFault } from '../chaos/timeline.js';
import { RunInterruptedError } from '../errors.js';
import type { FaultWindow } from '../metrics/fault-window.js';
import type { RequestRecord } from '../metrics/record.js';
import { relayClockOffset, relayEventsOnLoadTime, type RelayTimelineEvent } from '../metrics/relay-events.js';
import type { Scenario } from './schema.js';
import { driveLoad, warmUp } from './drive-load.js';
import { attributeRecords, mockLogPosition, readMockLog, servedBySeq } from './mock-log.js';
import { startMock } from './mock-services.js';
import { clearLeftoverProxies, endRun, newRunId, proxyName } from './run-proxies.js';
import { startService, type RunningService } from './services.js';
import { startTarget } from './start-target.js';

export type RunEvent =
  | { kind: 'phase'; message: string }
  | {
      kind: 'progress';
      elapsedMs: number;
      totalMs: number;
      scheduled: number;
      ok: number;
      failed: number;
      dropped: number;
      activeFaults: string[];
    }
  | { kind: 'fault'; event: TimelineEvent }
  | { kind: 'cleanup-error'; message: string };

export interface RunOptions {
  /** Aborting stops the load, then cleans up; the outcome is marked interrupted. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Use this Toxiproxy-compatible server instead of starting the embedded one. */
  faultPlaneUrl?: string;
  progressIntervalMs?: number;
  /** Sees every record as it completes (live progress). */
  onRecord?: (record: RequestRecord) => void;
  /**
   * Asked on every progress tick with the records so far: a reason string stops the load early
   * (abort-on-fail gates); cleanup and reporting then go on as for a normal end.
   */
  abortCheck?: (records: readonly RequestRecord[], elapsedMs: number) => string | undefined;
  /**
   * Where files the run makes go (mock and gateway configs, the gateway's log); created when
   * needed. Default: a fresh directory under the system's temp directory.
   */
  runDir?: string;
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
  /** Why the load stopped early, when an abort-on-fail gate stopped it. */
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
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<RunOutcome> {
  const emit = options.onEvent ?? (() => {});
  const services: RunningService[] = [];
  const proxies: string[] = [];
  let records: RequestRecord[] = [];
  const cleanupErrors: string[] = [];
  const startedAt = new Date().toISOString();
  const runId = newRunId();
  let client: FaultPlaneClient | undefined;
  let timeline: FaultTimeline | undefined;
  let scheduled = 0;
  let interrupted = false;
  let abortedBy: string | undefined;
  let relayEvents: RelayTimelineEvent[] | undefined;
  let mode: NonNullable<RunOutcome['mode']> = scenario.load.mode === 'closed' ? 'closed-model' : 'open-model';
  let targetUrl = '';
  let attributedFromLogs = 0;
  let dir: string | undefined;
  const runDir = async (): Promise<string> => {
    if (dir === undefined) {
      if (options.runDir !== undefined) await mkdir(options.runDir, { recursive: true });
      dir = options.runDir ?? (await mkdtemp(join(tmpdir(), 'relaybench-run-')));
    }
    return dir;
  };
  const checkInterrupt = (): void => {
    if (options.signal?.aborted) throw new RunInterruptedError('SIGINT');
  };

  try {
    emit({ kind: 'phase', message: 'starting fault plane and mock providers' });
    const faultPlaneUrl =
      options.faultPlaneUrl ??
      (
        await track(
          services,
          startService('fault plane', ['toxiproxy', '--port', '0', '--seed', String(scenario.seed)]),
        )
      ).url;
    // allSettled, not all: every mock that did start must be tracked so cleanup can stop it.
    const settled = await Promise.allSettled(
      scenario.providers.map((p) => track(services, startMock(p, scenario.seed, runDir))),
    );
    const mocks = settled.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    checkInterrupt();

    client = new FaultPlaneClient(faultPlaneUrl);
    const leftovers = await clearLeftoverProxies(client);
    if (leftovers.length > 0)
      emit({
        kind: 'phase',
        message: `removed ${leftovers.length} proxies left by earlier runs: ${leftovers.join(', ')}`,
      });
    const listenByProvider = new Map<string, string>();
    const mockByProvider = new Map<string, string>();
    for (const [index, provider] of scenario.providers.entries()) {
      const name = proxyName(runId, provider.name);
      const mockUrl = mocks[index]!.url;
      // Tracked before it is created: if the answer is lost, cleanup still tries to delete it.
      proxies.push(name);
      const proxy = await client.createProxy(name, new URL(mockUrl).host);
      listenByProvider.set(provider.name, proxy.listen);
      mockByProvider.set(provider.name, mockUrl);
    }

    emit({
      kind: 'phase',
      message: `starting ${scenario.target.kind} target (chain: ${scenario.target.chain.join(' -> ')})`,
    });
    const target = await startTarget({
      scenario,
      proxyOf: (provider) => listenByProvider.get(provider)!,
      runDir,
      track: (service) => services.push(service),
      signal: options.signal,
    });
    targetUrl = target.url;
    // An external target's headers go out with every request, warmup included.
    const l =
      target.headers === undefined
        ? scenario.load
        : { ...scenario.load, mix: { ...scenario.load.mix, headers: target.headers } };
    checkInterrupt();

    const faults: TimelineFault[] = scenario.schedule.map(({ source: _source, ...f }) =>
      f.plane === 'proxy'
        ? { ...f, proxy: proxyName(runId, f.provider) }
        : { ...f, mock: mockByProvider.get(f.provider)! },
    );
    timeline = new FaultTimeline({ faultPlane: client, mocks: new MockControlClient() }, faults, (event) =>
      emit({ kind: 'fault', event }),
    );

    if (scenario.load.warmup > 0) {
      emit({ kind: 'phase', message: `warmup: ${scenario.load.warmup / 1000}s (not recorded)` });
      await warmUp({ baseUrl: targetUrl, load: l, seed: scenario.seed, signal: options.signal });
      checkInterrupt();
    }
    // Log entries after these positions belong to the recorded load (warmup ids repeat rb-0, rb-1...).
    const logFrom = new Map(
      await Promise.all([...mockByProvider].map(async ([p, url]) => [p, await mockLogPosition(url)] as const)),
    );

    emit({
      kind: 'phase',
      message: `load: ${l.mode === 'closed' ? `closed model, ${l.connections} connections` : `${l.schedule?.kind ?? 'constant'} ${l.rate}/s`} for ${l.duration / 1000}s`,
    });
    let loadStart = performance.now();
    const counts = { ok: 0, failed: 0, dropped: 0 };
    // The load stops on the caller's signal, or early when an abort-on-fail gate says so.
    const stop = new AbortController();
    if (options.signal?.aborted) stop.abort();
    options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
    const progress = setInterval(() => {
      const activeFaults = timeline?.active().map((f) => `${f.type}@${f.provider}`) ?? [];
      const elapsedMs = Math.min(l.duration, performance.now() - loadStart);
      emit({ kind: 'progress', elapsedMs, totalMs: l.duration, scheduled: records.length, ...counts, activeFaults });
      const reason = abortedBy === undefined ? options.abortCheck?.(records, elapsedMs) : undefined;
      if (reason !== undefined) {
        abortedBy = reason;
        emit({ kind: 'phase', message: `stopping early: ${reason}` });
        stop.abort();
      }
    }, options.progressIntervalMs ?? 1000);
    try {
      const run = await driveLoad({
        baseUrl: targetUrl,
        load: l,
        seed: scenario.seed,
        signal: stop.signal,
        onStart: (origin) => {
          loadStart = origin;
          timeline!.start(origin);
        },
        onRecord: (record) => {
          records.push(record);
          counts[record.outcome]++;
          options.onRecord?.(record);
        },
      });
      scheduled = run.scheduled;
      // A gate that stopped the load is a verdict, not an interruption.
      interrupted = run.interrupted && abortedBy === undefined;
      mode = run.mode;
    } finally {
      clearInterval(progress);
    }

    relayEvents = await readRelayEvents(targetUrl, performance.timeOrigin + loadStart);
    emit({ kind: 'phase', message: "attributing requests from the mock providers' logs" });
    const logs = new Map(
      await Promise.all(
        [...mockByProvider].map(async ([p, url]) => [p, await readMockLog(url, logFrom.get(p) ?? 0)] as const),
      ),
    );
    const before = records.filter((r) => r.provider !== undefined).length;
    records = attributeRecords(records, servedBySeq(logs));
    attributedFromLogs = records.filter((r) => r.provider !== undefined).length - before;
  } catch (error) {
    if (!(error instanceof RunInterruptedError)) throw error;
    interrupted = true;
  } finally {
    emit({ kind: 'phase', message: 'rolling back faults and stopping services' });
    await cleanUp(timeline, client, proxies, services, (message) => {
      cleanupErrors.push(message);
      emit({ kind: 'cleanup-error', message });
    });
    endRun(runId);
  }

  return {
    scenario,
    ...(relayEvents === undefined ? {} : { relayEvents }),
    ...(abortedBy === undefined ? {} : { abortedBy }),
    startedAt,
    finishedAt: new Date().toISOString(),
    records: records.sort((a, b) => a.seq - b.seq),
    scheduled,
    mode,
    targetUrl,
    attributedFromLogs,
    windows: timeline?.windows() ?? [],
    interrupted,
    faultPlane: { url: client?.url ?? options.faultPlaneUrl ?? '', embedded: options.faultPlaneUrl === undefined },
    processes: services.map((s) => ({ name: s.name, pid: s.pid })),
    cleanupErrors,
  };
}

async function track(services: RunningService[], starting: Promise<RunningService>): Promise<RunningService> {
  const service = await starting;
  services.push(service);
  return service;
}

/** Faults first (the system must be whole again), then proxies, then processes, newest first. */
async function cleanUp(
  timeline: FaultTimeline | undefined,
  client: FaultPlaneClient | undefined,
  proxies: readonly string[],
  services: readonly RunningService[],
  report: (message: string) => void,
): Promise<void> {
  await timeline?.rollback().catch((error: Error) => report(error.message));
  for (const proxy of proxies) await client?.deleteProxy(proxy).catch((error: Error) => report(error.message));
  for (const service of [...services].reverse()) {
    await service
      .stop()
      .catch((error: Error) => report(`could not stop ${service.name} (pid ${service.pid}): ${error.message}`));
  }
}

/**
 * Breaker transitions and cooldowns from the target's `GET /relay/events` (our relay has it; for
 * another gateway the call just finds nothing), mapped onto load time.
 */
async function readRelayEvents(targetUrl: string, loadStartEpochMs: number): Promise<RelayTimelineEvent[] | undefined> {
  try {
    const response = await fetch(`${targetUrl}/relay/events`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { time_origin?: unknown; data?: unknown };
    if (typeof body.time_origin !== 'number' || !Array.isArray(body.data)) return undefined;
    return relayEventsOnLoadTime(body.data, relayClockOffset(body.time_origin, loadStartEpochMs));
  } catch {
    return undefined;
  }
}
