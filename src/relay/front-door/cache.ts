/**
 * Exact-match response cache (LRU bounded by entries, TTL by an injected clock). Only
 * deterministic requests (`temperature: 0`) are cached unless the config (`optIn: all`) or the
 * client (`x-relay-cache: on`, with `optIn: header`) opts in; `x-relay-cache: off` and streams
 * always bypass. The key is the sha256 of a canonical JSON (sorted keys) of the whole request
 * except fields that cannot change the answer, so model, messages and every sampling parameter
 * (temperature, top_p, max_tokens, stop, seed, n, penalties, logit_bias, response_format, tools,
 * tool_choice, and any parameter added later) are covered.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { CacheConfig } from '../config.js';
import type { NormalizedUsage } from '../contract.js';

/** The answer as served, replayed on a hit. */
export interface CachedCompletion {
  /** The chat.completion JSON. */
  readonly body: Buffer | string;
  readonly model: string;
  readonly usage: NormalizedUsage | undefined;
  /** The target that served it originally. */
  readonly target: string;
}

/** Value of the `x-relay-cache` response header. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** Request header by which a client opts in (`on`) or out (`off`). */
export const CACHE_HEADER = 'x-relay-cache';

/** Fields that do not change the completion (delivery, attribution, storage), left out of the key. */
const IGNORED_FIELDS: ReadonlySet<string> = new Set(['stream', 'stream_options', 'user', 'metadata', 'store']);

export type CacheOptions = Pick<CacheConfig, 'enabled' | 'ttlMs' | 'maxEntries' | 'maxEntryBytes' | 'optIn' | 'shared'>;

interface Entry {
  readonly value: CachedCompletion;
  readonly expiresAt: number;
}

export class ResponseCache {
  private readonly lru: LRUCache<string, Entry>;

  /** @param now monotonic ms clock (`performance.now` by default) for the TTL. */
  constructor(
    readonly options: CacheOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const field of ['ttlMs', 'maxEntries', 'maxEntryBytes'] as const) {
      const value = options[field];
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`cache ${field}: expected an integer >= 1, got ${String(value)}`);
    }
    this.lru = new LRUCache<string, Entry>({ max: options.maxEntries });
  }

  /**
   * The cache key for `request`, or `undefined` when it must bypass the cache (disabled, a
   * stream, opted out, not deterministic and not opted in).
   * @param optIn the request's `x-relay-cache` header; @param clientId scopes keys per client unless `shared`.
   */
  keyFor(
    request: Readonly<Record<string, unknown>>,
    optIn: string | string[] | undefined,
    clientId: string,
  ): string | undefined {
    const { enabled, optIn: policy, shared } = this.options;
    if (!enabled || request['stream'] === true) return undefined;
    const header = typeof optIn === 'string' ? optIn.trim().toLowerCase() : undefined;
    if (header === 'off') return undefined;
    const cacheable = request['temperature'] === 0 || policy === 'all' || (policy === 'header' && header === 'on');
    if (!cacheable) return undefined;
    const hash = createHash('sha256');
    if (!shared) hash.update(`${clientId}\n`);
    return hash.update(canonicalJson(request, true)).digest('hex');
  }

  /** The live entry for `key`, or undefined (an expired one is dropped). */
  get(key: string): CachedCompletion | undefined {
    const entry = this.lru.get(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.lru.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * What the pipeline asks: the live entry for `key`. A fleet's shared cache (`state/shared-cache.ts`)
   * answers a local miss asynchronously from Redis; this one always at once.
   */
  lookup(key: string): CachedCompletion | undefined | Promise<CachedCompletion | undefined> {
    return this.get(key);
  }

  /** Stores `value` for `ttlMs`; false (not stored) when it is larger than `maxEntryBytes`. */
  set(key: string, value: CachedCompletion, ttlMs = this.options.ttlMs): boolean {
    const bytes = typeof value.body === 'string' ? Buffer.byteLength(value.body) : value.body.length;
    if (bytes > this.options.maxEntryBytes) return false;
    this.lru.set(key, { value, expiresAt: this.now() + ttlMs });
    return true;
  }

  /** Entries held (expired ones included until touched or evicted). */
  get size(): number {
    return this.lru.size;
  }
}

/** JSON with object keys sorted at every level, so key order in the request does not matter. */
export function canonicalJson(value: unknown, top = false): string {
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const parts: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined || (top && IGNORED_FIELDS.has(key))) continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(child)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
