/**
 * The fault timeline: applies each fault at its `at` and removes it after its `for`, relative to
 * the start of load, and records when the fault plane really confirmed each step. `rollback()`
 * cancels what is pending and removes what is applied; the runner calls it on every exit path.
 */
import { performance } from 'node:perf_hooks';
import { FaultPlaneError } from '../errors.js';
import type { FaultWindow } from '../metrics/fault-window.js';
import type { AppliedFault, FaultPlaneClient, FaultRequest } from './client.js';

export interface TimelineFault extends FaultRequest {
  /** Provider the fault is about, and the fault-plane proxy in front of it. */
  provider: string;
  proxy: string;
  atMs: number;
  forMs: number;
}

export type TimelineEvent =
  | { kind: 'applied'; fault: TimelineFault; atMs: number }
  | { kind: 'removed'; fault: TimelineFault; atMs: number }
  | { kind: 'error'; fault: TimelineFault; error: Error };

interface Entry {
  fault: TimelineFault;
  window: FaultWindow;
  timers: NodeJS.Timeout[];
  /** Set while applied; the promise of the apply call so removal can wait for it. */
  applying?: Promise<AppliedFault | undefined>;
  applied?: AppliedFault;
}

export class FaultTimeline {
  private readonly entries: Entry[];
  private startedAt = 0;

  constructor(
    private readonly client: FaultPlaneClient,
    faults: readonly TimelineFault[],
    private readonly onEvent: (event: TimelineEvent) => void = () => {},
  ) {
    this.entries = faults.map((fault) => ({
      fault,
      window: { provider: fault.provider, type: fault.type, atMs: fault.atMs, forMs: fault.forMs },
      timers: [],
    }));
  }

  /** Starts the clock; `startedAt` is the load's performance.now() origin. */
  start(startedAt: number): void {
    this.startedAt = startedAt;
    for (const entry of this.entries) {
      const now = performance.now() - startedAt;
      entry.timers.push(setTimeout(() => void this.applyEntry(entry), Math.max(0, entry.fault.atMs - now)));
      // A failed removal is reported through onEvent and retried by rollback().
      entry.timers.push(setTimeout(() => this.removeEntry(entry).catch(() => {}), Math.max(0, entry.fault.atMs + entry.fault.forMs - now)));
    }
  }

  /** Fault windows with their confirmed times so far. */
  windows(): FaultWindow[] {
    return this.entries.map((e) => ({ ...e.window }));
  }

  /** Faults currently applied, for progress lines. */
  active(): TimelineFault[] {
    return this.entries.filter((e) => e.applied).map((e) => e.fault);
  }

  /** Cancels pending steps and removes every applied fault. Safe to call more than once. */
  async rollback(): Promise<void> {
    for (const entry of this.entries) entry.timers.forEach(clearTimeout);
    const results = await Promise.allSettled(this.entries.map((entry) => this.removeEntry(entry)));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      throw new FaultPlaneError(`could not roll back ${failures.length} fault(s): ${failures.map((f) => (f.reason as Error).message).join('; ')}`);
    }
  }

  private async applyEntry(entry: Entry): Promise<void> {
    entry.applying = this.client.apply(entry.fault.proxy, entry.fault).then(
      (applied) => {
        entry.applied = applied;
        entry.window.appliedMs = this.elapsed();
        this.onEvent({ kind: 'applied', fault: entry.fault, atMs: entry.window.appliedMs });
        return applied;
      },
      (error: Error) => {
        this.onEvent({ kind: 'error', fault: entry.fault, error });
        return undefined;
      },
    );
    await entry.applying;
  }

  private async removeEntry(entry: Entry): Promise<void> {
    // An apply still in flight must land before it can be undone, or it would outlive the run.
    if (entry.applying) await entry.applying;
    const applied = entry.applied;
    if (!applied) return;
    entry.applied = undefined;
    try {
      await this.client.remove(applied);
      entry.window.removedMs = this.elapsed();
      this.onEvent({ kind: 'removed', fault: entry.fault, atMs: entry.window.removedMs });
    } catch (error) {
      entry.applied = applied;
      this.onEvent({ kind: 'error', fault: entry.fault, error: error as Error });
      throw error;
    }
  }

  private elapsed(): number {
    return performance.now() - this.startedAt;
  }
}
