/**
 * The runner: starts the mock providers, the fault plane and the relay, puts one fault-plane
 * proxy in front of each provider, drives open-model load while the fault timeline plays, and
 * returns every record. Proxies carry the run's id (`relaybench_<pid>_<run>_<provider>`); before
 * creating its own, a run deletes those of earlier runs whose process is gone (run-proxies.ts).
 * Whatever happens (gate failure, exception, Ctrl-C) it rolls back every fault -- toxics, disabled
 * proxies and mock HTTP faults -- deletes its proxies and stops every process it started, in that order.
 */
import { performance } from 'node:perf_hooks';
import { FaultPlaneClient } from '../chaos/client.js';
import { MockFaultClient } from '../chaos/mock-fault-client.js';
import { FaultTimeline, type TimelineEvent, type TimelineFault } from '../chaos/timeline.js';
import { RunInterruptedError } from '../errors.js';
import { runOpenModel } from '../load/open-model.js';
import type { FaultWindow } from '../metrics/fault-window.js';
import type { RequestRecord } from '../metrics/record.js';
import type { Scenario } from './schema.js';
import { relayConfigFor } from './relay-config.js';
import { clearLeftoverProxies, endRun, newRunId, proxyName } from './run-proxies.js';
import { startService, type RunningService } from './services.js';

export type RunEvent =
  | { kind: 'phase'; message: string }
  | { kind: 'progress'; elapsedMs: number; totalMs: number; scheduled: number; ok: number; failed: number; dropped: number; activeFaults: string[] }
  | { kind: 'fault'; event: TimelineEvent }
  | { kind: 'cleanup-error'; message: string };

export interface RunOptions {
  /** Aborting stops the load, then cleans up; the outcome is marked interrupted. */
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Use this Toxiproxy-compatible server instead of starting the embedded one. */
  faultPlaneUrl?: string;
  progressIntervalMs?: number;
}

export interface RunOutcome {
  scenario: Scenario;
  startedAt: string;
  finishedAt: string;
  records: RequestRecord[];
  scheduled: number;
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
  const records: RequestRecord[] = [];
  const cleanupErrors: string[] = [];
  const startedAt = new Date().toISOString();
  const runId = newRunId();
  let client: FaultPlaneClient | undefined;
  let timeline: FaultTimeline | undefined;
  let scheduled = 0;
  let interrupted = false;
  const checkInterrupt = (): void => {
    if (options.signal?.aborted) throw new RunInterruptedError('SIGINT');
  };

  try {
    emit({ kind: 'phase', message: 'starting fault plane and mock providers' });
    const faultPlaneUrl = options.faultPlaneUrl ?? (await track(services, startService('fault plane', ['toxiproxy', '--port', '0', '--seed', String(scenario.seed)]))).url;
    // allSettled, not all: every mock that did start must be tracked so cleanup can stop it.
    const settled = await Promise.allSettled(
      scenario.providers.map((p) =>
        track(services, startService(`mock ${p.name}`, ['mock', '--name', p.name, '--model', p.model, '--latency-ms', String(p.latency), '--seed', String(scenario.seed), '--port', '0'])),
      ),
    );
    const mocks = settled.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
    checkInterrupt();

    client = new FaultPlaneClient(faultPlaneUrl);
    const leftovers = await clearLeftoverProxies(client);
    if (leftovers.length > 0) emit({ kind: 'phase', message: `removed ${leftovers.length} proxies left by earlier runs: ${leftovers.join(', ')}` });
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

    emit({ kind: 'phase', message: `starting relay (chain: ${scenario.target.chain.join(' -> ')})` });
    const relayConfig = relayConfigFor(scenario, (provider) => listenByProvider.get(provider)!);
    const relay = await track(services, startService('relay', ['relay', '--config-json', JSON.stringify(relayConfig)]));
    checkInterrupt();

    const faults: TimelineFault[] = scenario.schedule.map(({ source: _source, ...f }) =>
      f.plane === 'proxy' ? { ...f, proxy: proxyName(runId, f.provider) } : { ...f, mock: mockByProvider.get(f.provider)! },
    );
    timeline = new FaultTimeline({ faultPlane: client, mocks: new MockFaultClient() }, faults, (event) => emit({ kind: 'fault', event }));

    emit({ kind: 'phase', message: `load: ${scenario.load.rate}/s for ${scenario.load.duration / 1000}s` });
    let loadStart = performance.now();
    const counts = { ok: 0, failed: 0, dropped: 0 };
    const progress = setInterval(() => {
      const activeFaults = timeline?.active().map((f) => `${f.type}@${f.provider}`) ?? [];
      const elapsedMs = Math.min(scenario.load.duration, performance.now() - loadStart);
      emit({ kind: 'progress', elapsedMs, totalMs: scenario.load.duration, scheduled: records.length, ...counts, activeFaults });
    }, options.progressIntervalMs ?? 1000);
    try {
      const run = await runOpenModel({
        baseUrl: relay.url,
        ratePerSecond: scenario.load.rate,
        durationMs: scenario.load.duration,
        timeoutMs: scenario.load.timeout,
        maxInFlight: scenario.load.max_in_flight,
        model: scenario.load.model,
        maxTokens: scenario.load.max_tokens,
        signal: options.signal,
        onStart: (origin) => {
          loadStart = origin;
          timeline!.start(origin);
        },
        onRecord: (record) => {
          records.push(record);
          counts[record.outcome]++;
        },
      });
      scheduled = run.scheduled;
      interrupted = run.interrupted;
    } finally {
      clearInterval(progress);
    }
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
    startedAt,
    finishedAt: new Date().toISOString(),
    records: records.sort((a, b) => a.seq - b.seq),
    scheduled,
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
    await service.stop().catch((error: Error) => report(`could not stop ${service.name} (pid ${service.pid}): ${error.message}`));
  }
}
