/**
 * The exact-match cache shared by a fleet (`state.redis.cache: true`): the local LRU stays the
 * first stop; a local miss asks Redis (one GET, bounded by `commandTimeoutMs`, skipped while Redis
 * is degraded) and keeps what it finds locally for the rest of its TTL; a fresh answer is stored
 * locally at once and in Redis asynchronously, with the cache's TTL. Entries are keyed like the
 * local ones (sha256 of the canonical request, per client key unless `policies.cache.shared`).
 */
import { ResponseCache, type CacheOptions, type CachedCompletion } from '../front-door/cache.js';
import type { RedisLink } from './redis-link.js';

interface StoredEntry {
  readonly body: string;
  readonly model: string;
  readonly usage: CachedCompletion['usage'];
  readonly target: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export class SharedResponseCache extends ResponseCache {
  constructor(
    options: CacheOptions,
    private readonly link: RedisLink,
  ) {
    super(options);
  }

  override lookup(key: string): CachedCompletion | undefined | Promise<CachedCompletion | undefined> {
    const local = this.get(key);
    if (local !== undefined || !this.link.isUp) return local;
    return this.fetch(key);
  }

  override set(key: string, value: CachedCompletion, ttlMs = this.options.ttlMs): boolean {
    if (!super.set(key, value, ttlMs)) return false;
    const body = typeof value.body === 'string' ? value.body : value.body.toString('utf8');
    const entry: StoredEntry = { ...value, body, expiresAt: Date.now() + ttlMs };
    const ttl = Math.ceil(ttlMs);
    void this.link.run('cache', (redis) => redis.set(this.link.key('cache', key), JSON.stringify(entry), 'PX', ttl));
    return true;
  }

  private async fetch(key: string): Promise<CachedCompletion | undefined> {
    const text = await this.link.run('cache', (redis) => redis.get(this.link.key('cache', key)));
    if (text === undefined || text === null) return undefined;
    let entry: StoredEntry;
    try {
      entry = JSON.parse(text) as StoredEntry;
    } catch {
      return undefined;
    }
    const left = entry.expiresAt - Date.now();
    if (!(left > 0) || typeof entry.body !== 'string') return undefined;
    const value: CachedCompletion = { body: entry.body, model: entry.model, usage: entry.usage, target: entry.target };
    super.set(key, value, left); // locally only: Redis has it
    return value;
  }
}
