/**
 * USD budgets shared by a fleet and kept across restarts: each budgeted key's spend per period is
 * one Redis number. `check` reads the local mirror (no Redis on the hot path); `charge` adds to
 * the mirror at once, then to Redis (asynchronously, one atomic script) and tells the other
 * replicas the new total by pub/sub, so every mirror follows within milliseconds. A charge that
 * could not reach Redis is kept and added when Redis is back; a replica that starts (or sees Redis
 * come back) reads every budgeted key's spend, and raises an emptied Redis to what it knew.
 */
import type { ClientKeyConfig } from '../config.js';
import type { ClientKey } from '../front-door/auth.js';
import { BudgetLedger } from '../front-door/budget.js';
import type { RedisLink, SharedMessage } from './redis-link.js';
import type { StateMetrics } from './state-metrics.js';

/**
 * KEYS[1] spend; ARGV[1] USD to add; ARGV[2] floor (what this replica knows the fleet spent);
 * ARGV[3] expiry (epoch ms, 0: none). Returns the new total.
 */
const ADD_SCRIPT = `
local total = (tonumber(redis.call('GET', KEYS[1])) or 0) + tonumber(ARGV[1])
local floor = tonumber(ARGV[2])
if total < floor then total = floor end
redis.call('SET', KEYS[1], string.format('%.12f', total))
local expireAt = tonumber(ARGV[3])
if expireAt > 0 then redis.call('PEXPIREAT', KEYS[1], expireAt) end
return string.format('%.12f', total)
`;

/** A period's key outlives the period by a day (late charges of requests in flight at its end). */
const GRACE_MS = 86_400_000;

type WithAdd = { relayBudgetAdd(key: string, usd: number, floor: number, expireAt: number): Promise<string> };

export class SharedBudgetLedger extends BudgetLedger {
  private readonly clients = new Map<string, ClientKey>();
  /** Spend not yet in Redis (charged while it was down), per key id and period. */
  private readonly pending = new Map<string, { period: number; usd: number }>();

  constructor(
    private readonly link: RedisLink,
    keys: readonly ClientKeyConfig[],
    private readonly metrics: StateMetrics,
  ) {
    super();
    for (const key of keys) if (key.budgetUsd !== undefined) this.clients.set(key.id, key);
    link.defineScript('relayBudgetAdd', ADD_SCRIPT);
    link.on('budget', (message) => this.receive(message));
    link.onResync(() => this.resync());
  }

  override charge(client: ClientKey, usd: number): void {
    super.charge(client, usd);
    if (!(usd > 0) || !Number.isFinite(usd) || client.budgetUsd === undefined) return;
    void this.add(client, usd, 0);
  }

  /**
   * Adds `usd` in Redis (at least `floor`), then raises the mirror and tells the fleet. Spend still
   * owed from an outage rides along: a charge that failed just after a resync (its command was in
   * flight when Redis went) is not left behind until the next outage.
   */
  private async add(client: ClientKey, usd: number, floor: number): Promise<void> {
    const period = this.periodStartOf(client);
    const end = this.periodEndOf(client);
    const key = this.link.key('budget', client.id, period);
    const owed = this.pending.get(client.id);
    this.pending.delete(client.id);
    const amount = usd + (owed !== undefined && owed.period === period ? owed.usd : 0);
    const total = await this.link.run('budget', (redis) =>
      (redis as unknown as WithAdd).relayBudgetAdd(key, amount, floor, end === undefined ? 0 : end + GRACE_MS),
    );
    if (total === undefined) {
      const now = this.pending.get(client.id);
      const carried = now !== undefined && now.period === period ? now.usd : 0;
      this.pending.set(client.id, { period, usd: carried + amount });
      return;
    }
    this.raise(client, Number(total), period);
    this.link.publish({ type: 'budget', id: client.id, period, total: Number(total) });
  }

  private receive(message: SharedMessage): void {
    const { id, period, total } = message;
    if (typeof id !== 'string' || typeof period !== 'number' || typeof total !== 'number') return;
    const client = this.clients.get(id);
    if (client === undefined) return;
    this.raise(client, total, period);
    this.metrics.sharedUpdates.inc({ kind: 'budget' });
  }

  /** Pushes what Redis missed and reads what the fleet spent, for every budgeted key. */
  private async resync(): Promise<void> {
    for (const client of this.clients.values()) await this.add(client, 0, this.spentUsd(client));
  }
}
