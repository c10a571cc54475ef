/**
 * Breaker state and Retry-After cooldowns per target, shared by a fleet. When this replica opens a
 * target's breaker or cools it down, it publishes the fact (pub/sub, so the others apply it within
 * a few milliseconds; the documented bound is 100 ms) and writes a key that expires when the open
 * period or the cooldown ends, which a replica reads at start and whenever Redis comes back.
 *
 * The hot path never reads Redis: the engine's local breakers and cooldowns are kept in line.
 * Half-open probes are coordinated (`shared-probes.ts`): one replica probes, the others wait for its result.
 * Writes are asynchronous (fire and forget); a lost message is made up for by the next resync.
 */
import type { ChainEngine, RelayTarget } from '../contract.js';
import { SHARED_REASON } from '../routing/engine.js';
import type { RedisLink, SharedMessage } from './redis-link.js';
import { SharedProbes } from './shared-probes.js';
import type { StateMetrics } from './state-metrics.js';

type Kind = 'breaker' | 'cooldown';

export class SharedTargets {
  private readonly byName = new Map<string, RelayTarget>();
  private readonly probes: SharedProbes;
  /** True while applying another replica's update: the engine's events then are not ours to share. */
  private applying = false;

  /** @param openMs the breakers' open period (`policies.breaker.openMs`). */
  constructor(
    private readonly link: RedisLink,
    private readonly engine: ChainEngine,
    targets: readonly RelayTarget[],
    private readonly openMs: number,
    private readonly metrics: StateMetrics,
  ) {
    for (const target of targets) this.byName.set(target.name, target);
    this.probes = new SharedProbes(link, openMs, {
      hold: (name, ms) => this.whileApplying(name, (target) => engine.openShared(target, ms)),
      release: (name) => this.whileApplying(name, (target) => engine.endOpenShared(target)),
    });
    engine.events.on('breaker', (event) => {
      if (this.applying) return;
      if (event.to === 'open') this.share('breaker', event.target, openMs);
      else if (event.to === 'closed' && event.from === 'halfOpen' && this.byName.has(event.target))
        this.probes.closed(event.target);
    });
    engine.events.on('cooldown', (event) => {
      if (!this.applying && event.reason !== SHARED_REASON)
        this.share('cooldown', event.target, event.untilMs - event.at);
    });
    link.on('breaker', (message) => this.receive('breaker', message));
    link.on('cooldown', (message) => this.receive('cooldown', message));
    link.onResync(() => this.resync());
  }

  /** Tells the fleet (pub/sub) and records it with a TTL for replicas that start or come back later. */
  private share(kind: Kind, target: string, remainingMs: number): void {
    if (!this.byName.has(target) || !(remainingMs > 0)) return;
    const until = Date.now() + remainingMs;
    if (kind === 'breaker') this.probes.opened(target, until);
    this.link.publish({ type: kind, target, until });
    const ttl = Math.ceil(remainingMs);
    void this.link.run(kind, (redis) => redis.set(this.link.key(kind, target), String(until), 'PX', ttl));
  }

  private receive(kind: Kind, message: SharedMessage): void {
    const { target, until } = message;
    if (typeof target === 'string' && typeof until === 'number') this.apply(kind, target, until);
  }

  /** Applies another replica's open breaker or cooldown ending at `until` (epoch ms). */
  private apply(kind: Kind, name: string, until: number): void {
    const target = this.byName.get(name);
    const remaining = until - Date.now();
    if (target === undefined || remaining <= 0) return;
    this.whileApplying(name, (found) => {
      if (kind === 'cooldown') return this.engine.coolDownShared(found, remaining);
      this.engine.openShared(found, Math.min(remaining, this.openMs));
      this.probes.opened(name, Date.now() + Math.min(remaining, this.openMs));
    });
    this.metrics.sharedUpdates.inc({ kind });
  }

  /** Changes the engine for another replica's update: its events then are not ours to share. */
  private whileApplying(name: string, change: (target: RelayTarget) => void): void {
    const target = this.byName.get(name);
    if (target === undefined) return;
    this.applying = true;
    try {
      change(target);
    } finally {
      this.applying = false;
    }
  }

  /** Reads every target's open-breaker and cooldown keys (at start and when Redis is back). */
  private async resync(): Promise<void> {
    const names = [...this.byName.keys()];
    if (names.length === 0) return;
    const keys = names.flatMap((name) => [this.link.key('breaker', name), this.link.key('cooldown', name)]);
    const values = await this.link.run('resync', (redis) => redis.mget(keys));
    if (values === undefined) return;
    names.forEach((name, index) => {
      const breaker = values[2 * index];
      const cooldown = values[2 * index + 1];
      if (breaker) this.apply('breaker', name, Number(breaker));
      if (cooldown) this.apply('cooldown', name, Number(cooldown));
    });
  }
}
