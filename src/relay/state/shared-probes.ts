/**
 * Half-open probes coordinated across a fleet: when a shared breaker's open period is about to
 * end, every replica races for a probe lock (`SET probe:<target> NX PX`, one Redis command per
 * replica and open period, never per request). The winner lets its breaker go half-open and
 * probes; the others hold theirs open until the winner's result arrives: a failed probe re-opens
 * the breaker everywhere (the usual shared open), a successful one is published and ends the open
 * period on every replica (half-open there, so each closes on its own first successes). A winner
 * that gets no traffic to probe with holds nobody back for longer than one more open period. When
 * Redis is down or slow, each replica probes on its own, as without coordination.
 */
import type { RedisLink } from './redis-link.js';

/** How long before the open period ends the replicas race for the lock. */
export const PROBE_LEAD_MS = 20;

export interface ProbeActions {
  /** Keep `target` open for `ms` more (another replica probes). */
  hold(target: string, ms: number): void;
  /** Another replica's probe succeeded: end `target`'s open period here. */
  release(target: string): void;
}

export class SharedProbes {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** @param openMs the breakers' open period. */
  constructor(
    private readonly link: RedisLink,
    private readonly openMs: number,
    private readonly actions: ProbeActions,
  ) {
    link.on('probe_closed', (message) => {
      if (typeof message.target === 'string') this.released(message.target);
    });
  }

  /** `target`'s breaker is open here until `until` (epoch ms): race for its probe just before then. */
  opened(target: string, until: number): void {
    clearTimeout(this.timers.get(target));
    const timer = setTimeout(() => void this.race(target), Math.max(0, until - Date.now() - PROBE_LEAD_MS));
    this.timers.set(target, timer.unref());
  }

  /** This replica's probe closed `target`'s breaker: tell the fleet. */
  closed(target: string): void {
    clearTimeout(this.timers.get(target));
    this.link.publish({ type: 'probe_closed', target });
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  private released(target: string): void {
    clearTimeout(this.timers.get(target));
    this.actions.release(target);
  }

  private async race(target: string): Promise<void> {
    this.timers.delete(target);
    // The lock outlives the race but not the next one: a winner without traffic blocks one period at most.
    const ttl = Math.max(1, this.openMs - 2 * PROBE_LEAD_MS);
    const won = await this.link.run('probe', (redis) =>
      redis.set(this.link.key('probe', target), this.link.replica, 'PX', ttl, 'NX'),
    );
    if (won === undefined || won === 'OK') return; // Redis trouble (probe alone) or ours to probe
    this.actions.hold(target, this.openMs);
    this.opened(target, Date.now() + this.openMs);
  }
}
