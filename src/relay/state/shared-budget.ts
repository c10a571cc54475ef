/**
 * USD budgets shared by a fleet and kept across restarts: each budgeted key's spend per period is
 * one Redis number. `check` reads the local mirror (no Redis on the hot path); `charge` adds to
 * the mirror at once and queues the amount (`budget-flusher.ts`), which sends every key's queued
 * spend in one pipeline at most every 5 ms and tells the other replicas the new totals in one
 * pub/sub message, so every mirror follows within a few milliseconds. Spend that could not reach
 * Redis stays queued and is added when Redis is back; a replica that starts (or sees Redis come
 * back) reads every budgeted key's spend, and raises an emptied Redis to what it knew.
 */
import type { ClientKeyConfig } from '../config.js';
import type { ClientKey } from '../front-door/auth.js';
import { BudgetLedger } from '../front-door/budget.js';
import { BudgetFlusher, type BudgetTotal } from './budget-flusher.js';
import type { RedisLink, SharedMessage } from './redis-link.js';
import type { StateMetrics } from './state-metrics.js';

export class SharedBudgetLedger extends BudgetLedger {
  private readonly clients = new Map<string, ClientKey>();
  private readonly flusher: BudgetFlusher;

  constructor(
    private readonly link: RedisLink,
    keys: readonly ClientKeyConfig[],
    private readonly metrics: StateMetrics,
  ) {
    super();
    for (const key of keys) if (key.budgetUsd !== undefined) this.clients.set(key.id, key);
    this.flusher = new BudgetFlusher(link, (totals) => this.flushed(totals));
    link.on('budgets', (message) => this.receive(message));
    link.onResync(() => this.resync());
  }

  override charge(client: ClientKey, usd: number): void {
    super.charge(client, usd);
    if (!(usd > 0) || !Number.isFinite(usd) || client.budgetUsd === undefined) return;
    this.flusher.add(this.entryOf(client), usd);
  }

  /** Sends the spend still queued (the relay is closing). */
  close(): Promise<void> {
    return this.flusher.close();
  }

  private entryOf(client: ClientKey): { id: string; period: number; end: number | undefined } {
    return { id: client.id, period: this.periodStartOf(client), end: this.periodEndOf(client) };
  }

  /** Redis answered a flush: raise the mirrors and tell the fleet in one message. */
  private flushed(totals: readonly BudgetTotal[]): void {
    for (const { id, period, total } of totals) {
      const client = this.clients.get(id);
      if (client !== undefined) this.raise(client, total, period);
    }
    if (totals.length > 0) this.link.publish({ type: 'budgets', totals });
  }

  private receive(message: SharedMessage): void {
    const { totals } = message;
    if (!Array.isArray(totals)) return;
    for (const entry of totals as unknown[]) {
      const { id, period, total } = (entry ?? {}) as Partial<BudgetTotal>;
      if (typeof id !== 'string' || typeof period !== 'number' || typeof total !== 'number') continue;
      const client = this.clients.get(id);
      if (client === undefined) continue;
      this.raise(client, total, period);
      this.metrics.sharedUpdates.inc({ kind: 'budget' });
    }
  }

  /** Pushes what Redis missed and reads what the fleet spent, for every budgeted key. */
  private async resync(): Promise<void> {
    const floors = [...this.clients.values()].map((client) => ({
      ...this.entryOf(client),
      floor: this.spentUsd(client),
    }));
    await this.flusher.flushNow(floors);
  }
}
