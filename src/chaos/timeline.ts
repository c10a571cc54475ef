/**
 * The fault timeline: applies each fault at its `at` and removes it after its `for`, relative to
 * the start of load, and records when each step was really confirmed -- by the fault plane for
 * proxy faults (toxics, `down`), by the provider's mock control API for HTTP-level faults.
 * `rollback()` cancels what is pending and removes what is applied, of both kinds; the run fixture calls
 * it on every exit path.
 *
 * Steps on one target (a proxy, a mock) run one after another in schedule order, removals before
 * applies at the same instant: back-to-back windows (ramp steps, flapping) never overlap or race.
 *
 * A window marked `untilDrained` (it reaches past the load's end) has no scheduled removal: it
 * stays until `loadDrained()`, which the load phase calls once the last request in flight has
 * completed, so the load's last responses still cross the fault; its window closes then.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import { FaultPlaneError } from '../errors.js';
import type { FaultWindow, PlannedWindow } from '../metrics/fault-window.js';
import type { AppliedFault, FaultPlaneClient, FaultRequest } from './client.js';
import type { MockControlClient, MockFaultRequest } from '../mock/control-client.js';

/**
 * A planned window and what to apply: a proxy fault names the fault-plane proxy, an HTTP fault the
 * mock's base URL, a replica fault the fleet replica's index (killed at onset; restarted at the
 * end when `restart`).
 */
export type TimelineFault = PlannedWindow &
  (
    | { plane: 'proxy'; proxy: string; request: FaultRequest }
    | {
        plane: 'mock';
        mock: string;
        request: MockFaultRequest;
        /** A held (`untilDrained`) window's longest wait for the load's requests (the load's timeout): the mock's expiry allows for it. */
        drainMs?: number;
      }
    | { plane: 'replica'; replica: number; restart: boolean }
  );

/** Kills and restarts the relay processes of a fleet (the run fixture owns them). */
export interface ReplicaControl {
  /** SIGKILLs the replica; resolves once it has exited. */
  kill(replica: number): Promise<void>;
  /** Starts a fresh replica on the killed one's address; resolves once it is ready. */
  restart(replica: number): Promise<void>;
}

export interface TimelineClients {
  faultPlane?: FaultPlaneClient;
  mocks?: MockControlClient;
  replicas?: ReplicaControl;
}

export type TimelineEvent =
  | { kind: 'applied'; fault: TimelineFault; atMs: number }
  | { kind: 'removed'; fault: TimelineFault; atMs: number }
  | { kind: 'error'; fault: TimelineFault; error: Error };

type Applied =
  | { plane: 'proxy'; fault: AppliedFault }
  | { plane: 'mock'; mock: string; id: string }
  | { plane: 'replica'; replica: number; restart: boolean };

interface Entry {
  fault: TimelineFault;
  lane: string;
  window: FaultWindow;
  applied?: Applied;
}

/** How long a mock keeps an HTTP fault past its window if the harness never removes it. */
const MOCK_EXPIRY_SLACK_MS = 5000;

export class FaultTimeline {
  private readonly entries: Entry[];
  private readonly timers: TimerHandle[] = [];
  /** The tail of each target's queue of steps. */
  private readonly lanes = new Map<string, Promise<void>>();
  private startedAt = 0;
  private stopped = false;
  /** The load's requests have all completed: a held window that has not begun never will. */
  private drained = false;

  constructor(
    private readonly clients: TimelineClients,
    faults: readonly TimelineFault[],
    private readonly onEvent: (event: TimelineEvent) => void = () => {},
    /** Schedules the steps and times the confirmations; tests pass a manual clock. */
    private readonly clock: Clock = systemClock,
  ) {
    this.entries = faults.map((fault) => {
      const needed = { proxy: clients.faultPlane, mock: clients.mocks, replica: clients.replicas }[fault.plane];
      if (!needed)
        throw new FaultPlaneError(
          `fault timeline: a ${fault.plane} fault (${fault.type} on ${fault.provider}) needs a ${fault.plane} client`,
        );
      return {
        fault,
        lane: laneOf(fault),
        window: { provider: fault.provider, type: fault.type, atMs: fault.atMs, forMs: fault.forMs },
      };
    });
  }

  /** Starts the clock; `startedAt` is the load's origin on the timeline's clock (`performance.now()` by default). */
  start(startedAt: number): void {
    this.startedAt = startedAt;
    const steps = this.entries.flatMap((entry) => [
      { atMs: entry.fault.atMs, remove: false, entry },
      ...(entry.fault.untilDrained ? [] : [{ atMs: entry.fault.atMs + entry.fault.forMs, remove: true, entry }]),
    ]);
    // Timers with equal delays fire in creation order, so creating them sorted keeps the order.
    steps.sort((a, b) => a.atMs - b.atMs || Number(b.remove) - Number(a.remove));
    const now = this.clock.now() - startedAt;
    for (const step of steps) {
      const run = step.remove
        ? () => this.removeEntry(step.entry).catch(() => {}) // reported through onEvent; rollback() retries
        : () => this.applyEntry(step.entry);
      this.timers.push(this.clock.setTimeout(() => void run(), Math.max(0, step.atMs - now)));
    }
  }

  /** Fault windows with their confirmed times so far, one per entry. */
  windows(): FaultWindow[] {
    return this.entries.map((e) => ({ ...e.window }));
  }

  /** Faults currently applied, for progress lines. */
  active(): TimelineFault[] {
    return this.entries.filter((e) => e.applied).map((e) => e.fault);
  }

  /**
   * The load has ended and its requests in flight have completed (or met their timeout): removes
   * the held (`untilDrained`) faults now. A removal that fails is reported and left to `rollback()`.
   */
  async loadDrained(): Promise<void> {
    this.drained = true;
    const held = this.entries.filter((entry) => entry.fault.untilDrained);
    await Promise.allSettled(held.map((entry) => this.removeEntry(entry)));
  }

  /** Cancels pending steps and removes every applied fault, of both kinds. Safe to call more than once. */
  async rollback(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((timer) => this.clock.clearTimeout(timer));
    const results = await Promise.allSettled(this.entries.map((entry) => this.removeEntry(entry)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new FaultPlaneError(
        `could not roll back ${failures.length} fault(s): ${failures.map((f) => (f.reason as Error).message).join('; ')}`,
      );
    }
  }

  private applyEntry(entry: Entry): Promise<void> {
    return this.enqueue(entry.lane, async () => {
      if (this.stopped) return; // queued before a rollback began: never apply after it
      if (this.drained && entry.fault.untilDrained) return; // its removal has already run
      try {
        entry.applied = await this.apply(entry.fault);
        entry.window.appliedMs = this.elapsed();
        this.onEvent({ kind: 'applied', fault: entry.fault, atMs: entry.window.appliedMs });
      } catch (error) {
        this.onEvent({ kind: 'error', fault: entry.fault, error: error as Error });
      }
    });
  }

  /** Queued behind the target's earlier steps, so an apply still in flight lands before it is undone. */
  private removeEntry(entry: Entry): Promise<void> {
    return this.enqueue(entry.lane, async () => {
      const applied = entry.applied;
      if (!applied) return;
      try {
        await this.remove(applied);
        entry.applied = undefined;
        entry.window.removedMs = this.elapsed();
        this.onEvent({ kind: 'removed', fault: entry.fault, atMs: entry.window.removedMs });
      } catch (error) {
        this.onEvent({ kind: 'error', fault: entry.fault, error: error as Error });
        throw error;
      }
    });
  }

  private async apply(fault: TimelineFault): Promise<Applied> {
    if (fault.plane === 'proxy')
      return { plane: 'proxy', fault: await this.clients.faultPlane!.apply(fault.proxy, fault.request) };
    if (fault.plane === 'replica') {
      await this.clients.replicas!.kill(fault.replica);
      return { plane: 'replica', replica: fault.replica, restart: fault.restart };
    }
    const expiresAfterMs = fault.forMs + (fault.drainMs ?? 0) + MOCK_EXPIRY_SLACK_MS;
    const id = await this.clients.mocks!.apply(fault.mock, fault.request, expiresAfterMs);
    return { plane: 'mock', mock: fault.mock, id };
  }

  private async remove(applied: Applied): Promise<void> {
    if (applied.plane === 'proxy') await this.clients.faultPlane!.remove(applied.fault);
    // A replica killed for good stays down, and none restarts during a rollback: the fixture stops the rest.
    else if (applied.plane === 'replica') {
      if (applied.restart && !this.stopped) await this.clients.replicas!.restart(applied.replica);
    } else await this.clients.mocks!.remove(applied.mock, applied.id);
  }

  private enqueue(lane: string, step: () => Promise<void>): Promise<void> {
    const result = (this.lanes.get(lane) ?? Promise.resolve()).then(step);
    this.lanes.set(
      lane,
      result.catch(() => {}),
    );
    return result;
  }

  private elapsed(): number {
    return this.clock.now() - this.startedAt;
  }
}

function laneOf(fault: TimelineFault): string {
  switch (fault.plane) {
    case 'proxy':
      return `proxy ${fault.proxy}`;
    case 'mock':
      return `mock ${fault.mock}`;
    case 'replica':
      return `replica ${fault.replica}`;
    default: {
      const never: never = fault;
      return String(never);
    }
  }
}
