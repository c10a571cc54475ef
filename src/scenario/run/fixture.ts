/**
 * The run fixture: everything a run brings up -- the fault plane (embedded unless a URL is given),
 * one mock process per provider, one fault-plane proxy per provider, the target (our relay, a
 * gateway's process, or nothing for a direct target) and the fault timeline -- owned by one
 * `AsyncDisposable`. Disposing it, on every exit path, rolls back every fault (toxics, disabled
 * proxies, mock HTTP faults), deletes its proxies and stops every process it started, newest
 * first, in that order. It never throws: problems are reported as `cleanup-error` events and
 * kept in `cleanupErrors`.
 *
 * Proxies carry the run's id (`relaybench_<pid>_<run>_<provider>`); before creating its own, a
 * fixture deletes those of earlier runs whose process is gone (run-proxies.ts).
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultPlaneClient } from '../../chaos/client.js';
import { FaultTimeline, type TimelineFault } from '../../chaos/timeline.js';
import { RunInterruptedError } from '../../errors.js';
import type { FaultWindow } from '../../metrics/fault-window.js';
import { MockControlClient } from '../../mock/control-client.js';
import type { Scenario } from '../schema.js';
import { startMock } from '../mock-services.js';
import { clearLeftoverProxies, endRun, newRunId, proxyName } from '../run-proxies.js';
import { startService, type RunningService } from '../services.js';
import { startTarget, type StartedTarget } from '../start-target.js';
import type { RunEvent } from './events.js';

export interface FixtureOptions {
  /** Use this Toxiproxy-compatible server instead of starting the embedded one. */
  faultPlaneUrl?: string | undefined;
  /** Where files the run makes go; default: a fresh directory under the system's temp directory. */
  runDir?: string | undefined;
  signal?: AbortSignal | undefined;
  emit: (event: RunEvent) => void;
}

export class RunFixture implements AsyncDisposable {
  readonly runId = newRunId();
  /** Every process started, in start order; tracked the moment it is up so disposal can stop it. */
  readonly services: RunningService[] = [];
  readonly cleanupErrors: string[] = [];
  /** Base URL of each provider's mock and host:port of its fault-plane proxy. */
  readonly mockUrl = new Map<string, string>();
  readonly proxyListen = new Map<string, string>();
  private readonly proxies: string[] = [];
  private client: FaultPlaneClient | undefined;
  private target: StartedTarget | undefined;
  private faultTimeline: FaultTimeline | undefined;
  private dir: string | undefined;
  private disposed = false;

  constructor(
    readonly scenario: Scenario,
    private readonly options: FixtureOptions,
  ) {}

  /** Fault plane and mocks, the proxies in front of the mocks, then the target. */
  async start(): Promise<void> {
    const { scenario, options } = this;
    options.emit({ kind: 'phase', message: 'starting fault plane and mock providers' });
    const faultPlaneUrl = options.faultPlaneUrl ?? (await this.startFaultPlane());
    await this.startMocks();
    this.checkInterrupt();
    this.client = new FaultPlaneClient(faultPlaneUrl);
    await this.createProxies(this.client);
    options.emit({
      kind: 'phase',
      message: `starting ${scenario.target.kind} target (chain: ${scenario.target.chain.join(' -> ')})`,
    });
    this.target = await startTarget({
      scenario,
      proxyOf: (provider) => this.proxyListen.get(provider)!,
      runDir: () => this.runDir(),
      track: (service) => this.services.push(service),
      signal: options.signal,
    });
    this.checkInterrupt();
  }

  /** Where the load posts, with an external target's headers; set once `start()` has returned. */
  get targetUrl(): string {
    return this.target?.url ?? '';
  }

  get targetHeaders(): Readonly<Record<string, string>> | undefined {
    return this.target?.headers;
  }

  get faultPlane(): { url: string; embedded: boolean } {
    const embedded = this.options.faultPlaneUrl === undefined;
    return { url: this.client?.url ?? this.options.faultPlaneUrl ?? '', embedded };
  }

  /** The scenario's planned faults on this fixture's proxies and mocks; rolled back on disposal. */
  timeline(): FaultTimeline {
    if (this.faultTimeline !== undefined) return this.faultTimeline;
    const faults: TimelineFault[] = this.scenario.schedule.map(({ source: _source, ...f }) =>
      f.plane === 'proxy'
        ? { ...f, proxy: proxyName(this.runId, f.provider) }
        : { ...f, mock: this.mockUrl.get(f.provider)! },
    );
    const mocks = new MockControlClient();
    this.faultTimeline = new FaultTimeline({ faultPlane: this.client, mocks }, faults, (event) =>
      this.options.emit({ kind: 'fault', event }),
    );
    return this.faultTimeline;
  }

  /** Fault windows with their confirmed times so far (none before the timeline exists). */
  windows(): FaultWindow[] {
    return this.faultTimeline?.windows() ?? [];
  }

  /** @throws RunInterruptedError once the run's signal has fired. */
  checkInterrupt(): void {
    if (this.options.signal?.aborted) throw new RunInterruptedError('SIGINT');
  }

  async runDir(): Promise<string> {
    if (this.dir === undefined) {
      if (this.options.runDir !== undefined) await mkdir(this.options.runDir, { recursive: true });
      this.dir = this.options.runDir ?? (await mkdtemp(join(tmpdir(), 'relaybench-run-')));
    }
    return this.dir;
  }

  /** Faults first (the system must be whole again), then proxies, then processes, newest first. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.options.emit({ kind: 'phase', message: 'rolling back faults and stopping services' });
    await this.faultTimeline?.rollback().catch((error: Error) => this.report(error.message));
    for (const proxy of this.proxies)
      await this.client?.deleteProxy(proxy).catch((error: Error) => this.report(error.message));
    for (const service of [...this.services].reverse()) {
      await service
        .stop()
        .catch((error: Error) => this.report(`could not stop ${service.name} (pid ${service.pid}): ${error.message}`));
    }
    endRun(this.runId);
  }

  private async startFaultPlane(): Promise<string> {
    const args = ['toxiproxy', '--port', '0', '--seed', String(this.scenario.seed)];
    const service = await startService('fault plane', args);
    this.services.push(service);
    return service.url;
  }

  private async startMocks(): Promise<void> {
    const { providers, seed } = this.scenario;
    // allSettled, not all: every mock that did start must be tracked so disposal can stop it.
    const settled = await Promise.allSettled(
      providers.map(async (provider) => {
        const mock = await startMock(provider, seed, () => this.runDir());
        this.services.push(mock);
        this.mockUrl.set(provider.name, mock.url);
      }),
    );
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  private async createProxies(client: FaultPlaneClient): Promise<void> {
    const leftovers = await clearLeftoverProxies(client);
    if (leftovers.length > 0) {
      const message = `removed ${leftovers.length} proxies left by earlier runs: ${leftovers.join(', ')}`;
      this.options.emit({ kind: 'phase', message });
    }
    for (const provider of this.scenario.providers) {
      const name = proxyName(this.runId, provider.name);
      // Tracked before it is created: if the answer is lost, disposal still tries to delete it.
      this.proxies.push(name);
      const proxy = await client.createProxy(name, new URL(this.mockUrl.get(provider.name)!).host);
      this.proxyListen.set(provider.name, proxy.listen);
    }
  }

  private report(message: string): void {
    this.cleanupErrors.push(message);
    this.options.emit({ kind: 'cleanup-error', message });
  }
}
