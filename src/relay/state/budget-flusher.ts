/**
 * Coalesces a replica's budget charges: amounts queue per key and period and go to Redis in one
 * pipeline of atomic add scripts at most every `FLUSH_MS` (at once when the last flush is older),
 * so a replica under load sends about 200 flushes a second whatever its request rate. Spend a
 * flush could not deliver (Redis down or slow) stays queued for the next flush, which the resync
 * when Redis returns triggers.
 */
import type { RedisLink } from './redis-link.js';

/** Longest time a charge waits before it is sent (the extra delay before other replicas see it). */
export const FLUSH_MS = 5;

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

/** One key's period: `period` its start, `end` its end (epoch ms; `undefined` for `total`). */
export interface BudgetEntry {
  readonly id: string;
  readonly period: number;
  readonly end: number | undefined;
}

/** What Redis holds for a key and period after a flush. */
export interface BudgetTotal {
  readonly id: string;
  readonly period: number;
  readonly total: number;
}

interface Queued extends BudgetEntry {
  usd: number;
  floor: number;
}

type WithAdd = { relayBudgetAdd(key: string, usd: number, floor: number, expireAt: number): unknown };

export class BudgetFlusher {
  private queued = new Map<string, Queued>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private closed = false;

  /** @param onTotals receives Redis's totals after each flush that reached it. */
  constructor(
    private readonly link: RedisLink,
    private readonly onTotals: (totals: readonly BudgetTotal[]) => void,
  ) {
    link.defineScript('relayBudgetAdd', ADD_SCRIPT);
  }

  /** Queues `usd` for the key's period; a flush follows within `FLUSH_MS`. */
  add(entry: BudgetEntry, usd: number): void {
    this.enqueue(entry, usd, 0);
    if (this.timer !== undefined || this.closed) return;
    const wait = Math.max(0, this.lastFlush + FLUSH_MS - performance.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  /** Queues these floors (each key at least what this replica knows) and flushes now. */
  async flushNow(floors: readonly (BudgetEntry & { floor: number })[]): Promise<void> {
    for (const entry of floors) this.enqueue(entry, 0, entry.floor);
    await this.flush();
  }

  /** Sends what is queued (a last flush, bounded by the command timeout); nothing is scheduled after. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private enqueue(entry: BudgetEntry, usd: number, floor: number): void {
    const name = `${entry.id}:${entry.period}`;
    const queued = this.queued.get(name);
    if (queued === undefined) this.queued.set(name, { ...entry, usd, floor });
    else {
      queued.usd += usd;
      queued.floor = Math.max(queued.floor, floor);
    }
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = performance.now();
    if (this.queued.size === 0) return;
    const batch = [...this.queued.values()];
    this.queued = new Map();
    const results = await this.link.run('budget', async (redis) => {
      const pipeline = redis.pipeline();
      for (const q of batch) {
        const expireAt = q.end === undefined ? 0 : q.end + GRACE_MS;
        (pipeline as unknown as WithAdd).relayBudgetAdd(
          this.link.key('budget', q.id, q.period),
          q.usd,
          q.floor,
          expireAt,
        );
      }
      const replies = await pipeline.exec();
      // Nothing answered: Redis trouble (the link degrades); a partial failure keeps only what failed.
      const firstError = replies?.find(([error]) => error !== null)?.[0];
      if (replies === null || (firstError && replies.every(([error]) => error !== null)))
        throw firstError ?? new Error('no reply');
      return replies;
    });
    const totals: BudgetTotal[] = [];
    batch.forEach((q, i) => {
      const [error, total] = results?.[i] ?? [new Error('no reply')];
      if (error === null && total !== undefined) totals.push({ id: q.id, period: q.period, total: Number(total) });
      else this.enqueue(q, q.usd, q.floor); // kept for the next flush (the resync when Redis is back)
    });
    this.onTotals(totals);
  }
}
