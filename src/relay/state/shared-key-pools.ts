/**
 * Key-pool cooldowns and revocations shared by a fleet: when one replica's key meets a 429 (or a
 * 401/402/403), the others stop using that key too, by pub/sub, and a replica that starts or sees
 * Redis come back reads them from keys with TTLs. Which key a replica picks next (least-used,
 * round-robin) stays its own: in-flight counts are per replica. A key is named by its variable and
 * a short fingerprint of its value (12 hex digits of its sha256, never the value), so a rotated
 * key is not held back by its predecessor's revocation.
 */
import { createHash } from 'node:crypto';
import type { KeyPools } from '../key-pools.js';
import type { KeyPool, KeyPoolSharer } from '../policies/key-pool.js';
import type { RedisLink, SharedMessage } from './redis-link.js';
import type { StateMetrics } from './state-metrics.js';

/** How long a revocation stays in Redis for replicas that start later. */
export const REVOKED_TTL_S = 3_600;

export class SharedKeyPools implements KeyPoolSharer {
  constructor(
    private readonly link: RedisLink,
    private readonly pools: KeyPools,
    private readonly metrics: StateMetrics,
  ) {
    for (const pool of pools.values()) pool.shareWith(this);
    link.on('key', (message) => this.receive(message));
    link.onResync(() => this.resync());
  }

  cooled(pool: KeyPool, index: number, ms: number): void {
    const until = Date.now() + ms;
    const key = this.keyOf(pool, index);
    this.link.publish({ type: 'key', provider: pool.provider, index, key, until });
    void this.link.run('key_pool', (redis) =>
      redis.set(this.link.key(key, 'cooldown'), String(until), 'PX', Math.ceil(ms)),
    );
  }

  revoked(pool: KeyPool, index: number, reason: string): void {
    const key = this.keyOf(pool, index);
    this.link.publish({ type: 'key', provider: pool.provider, index, key, reason });
    void this.link.run('key_pool', (redis) => redis.set(this.link.key(key, 'revoked'), reason, 'EX', REVOKED_TTL_S));
  }

  private receive(message: SharedMessage): void {
    const { provider, index, key, until, reason } = message;
    const pool = typeof provider === 'string' ? this.pools.get(provider) : undefined;
    if (pool === undefined || typeof index !== 'number' || key !== this.keyOf(pool, index)) return;
    if (typeof until === 'number') this.apply(pool, index, until, undefined);
    else if (typeof reason === 'string') this.apply(pool, index, undefined, reason);
  }

  private apply(pool: KeyPool, index: number, until: number | undefined, reason: string | undefined): void {
    if (reason !== undefined) pool.revokeShared(index, reason);
    else if (until !== undefined && until > Date.now())
      pool.coolDownShared(index, until - Date.now(), performance.now());
    else return;
    this.metrics.sharedUpdates.inc({ kind: 'key' });
  }

  /** `keypool:<provider>:<variable>:<fingerprint>`: the Redis name of one key's state. */
  private keyOf(pool: KeyPool, index: number): string {
    const env = pool.envNames[index] ?? '?';
    const value = process.env[env];
    const fingerprint = value === undefined ? 'unset' : createHash('sha256').update(value).digest('hex').slice(0, 12);
    return `keypool:${pool.provider}:${env}:${fingerprint}`;
  }

  private async resync(): Promise<void> {
    const entries = [...this.pools.values()].flatMap((pool) =>
      pool.envNames.map((_, index) => ({ pool, index, key: this.keyOf(pool, index) })),
    );
    if (entries.length === 0) return;
    const names = entries.flatMap(({ key }) => [this.link.key(key, 'cooldown'), this.link.key(key, 'revoked')]);
    const values = await this.link.run('resync', (redis) => redis.mget(names));
    if (values === undefined) return;
    entries.forEach(({ pool, index }, i) => {
      const [cooldown, revoked] = [values[2 * i], values[2 * i + 1]];
      if (revoked) this.apply(pool, index, undefined, revoked);
      else if (cooldown) this.apply(pool, index, Number(cooldown), undefined);
    });
  }
}
