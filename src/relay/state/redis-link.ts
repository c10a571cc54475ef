/**
 * The relay's link to the Redis a fleet shares: one command connection (every command bounded by
 * `commandTimeoutMs`, nothing queued while disconnected, so a command fails fast instead of
 * waiting) and one subscriber connection for updates from other replicas.
 *
 * Redis trouble never fails a request: `run` answers `undefined` instead of throwing, and the
 * caller uses its local state. The first failure marks the link degraded (logged once, the gauge
 * drops to 0); from then on nothing on the hot path waits for Redis until a background PING
 * answers in time again, when every registered resync runs and the link is up again.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisStateConfig } from '../config.js';
import type { StateMetrics } from './state-metrics.js';

/** How often a degraded link checks whether Redis is back. */
const PROBE_INTERVAL_MS = 200;
/** Longest wait for Redis at start; without it by then, the relay starts on local state. */
const START_WAIT_MS = 2_000;

/** A message between replicas; `from` is the sender's replica id (its own messages are ignored). */
export type SharedMessage = { readonly type: string; readonly from?: string } & Record<string, unknown>;

export interface RedisLinkStatus {
  readonly store: 'redis';
  readonly redis: 'connected' | 'degraded';
  /** When the link last changed state (ISO time). */
  readonly since: string;
  readonly replica: string;
}

export class RedisLink {
  /** Tells this replica's messages from the others'. */
  readonly replica = randomUUID().slice(0, 8);
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly resyncs: Array<() => Promise<void>> = [];
  private readonly handlers = new Map<string, (message: SharedMessage) => void>();
  private up = false;
  private since = Date.now();
  private everUp = false;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: RedisStateConfig,
    private readonly logger: Logger,
    private readonly metrics: StateMetrics,
  ) {
    const password = config.passwordEnv === undefined ? undefined : process.env[config.passwordEnv];
    const common: RedisOptions = {
      lazyConnect: true,
      connectTimeout: Math.max(1_000, config.commandTimeoutMs),
      retryStrategy: (times) => Math.min(50 * times, 500), // reconnect forever, at most every 0.5 s
      ...(password === undefined ? {} : { password }),
    };
    this.client = new Redis(config.url, {
      ...common,
      commandTimeout: config.commandTimeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    this.subscriber = new Redis(config.url, { ...common, autoResubscribe: true });
    this.channel = this.key('events');
    this.client.on('error', () => this.degrade('connection error'));
    this.client.on('close', () => this.degrade('connection closed'));
    this.subscriber.on('error', () => undefined); // the command connection reports trouble
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    metricsDown(metrics);
  }

  /** `keyPrefix` + the parts joined by `:`. */
  key(...parts: readonly (string | number)[]): string {
    return this.config.keyPrefix + parts.join(':');
  }

  /** True while Redis answers in time: the hot path uses Redis only then. */
  get isUp(): boolean {
    return this.up;
  }

  /** Connects (waiting at most 2 s) and runs the resyncs; without Redis the relay starts degraded. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel).catch(() => undefined);
    const connected = this.client.connect().then(
      () => true,
      () => false,
    );
    const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, START_WAIT_MS, false).unref());
    if (await Promise.race([connected, timeout])) await this.markUp();
    else this.degrade('not reachable at start');
  }

  /** Runs `command` against Redis; `undefined` when Redis is down, slow or failed (use local state). */
  async run<T>(op: string, command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.up) {
      this.metrics.fallbacks.inc({ op });
      return undefined;
    }
    try {
      return await command(this.client);
    } catch (error) {
      this.degrade(`${op}: ${(error as Error).message}`);
      this.metrics.fallbacks.inc({ op });
      return undefined;
    }
  }

  /** Defines a Lua script as a command `name(key, ...args)` on the command connection (EVALSHA, loaded on demand). */
  defineScript(name: string, lua: string): void {
    this.client.defineCommand(name, { numberOfKeys: 1, lua });
  }

  /** Counts an operation answered locally without asking Redis (the link is degraded). */
  countFallback(op: string): void {
    this.metrics.fallbacks.inc({ op });
  }

  /** Tells the other replicas (fire and forget; lost while Redis is down, which resync covers). */
  publish(message: SharedMessage): void {
    void this.run('publish', (redis) =>
      redis.publish(this.channel, JSON.stringify({ ...message, from: this.replica })),
    );
  }

  /** Handles messages of `type` from other replicas. */
  on(type: string, handler: (message: SharedMessage) => void): void {
    this.handlers.set(type, handler);
  }

  /** Runs at start and each time Redis comes back, to bring local state in line with Redis. */
  onResync(resync: () => Promise<void>): void {
    this.resyncs.push(resync);
  }

  status(): RedisLinkStatus {
    const redis = this.up ? 'connected' : 'degraded';
    return { store: 'redis', redis, since: new Date(this.since).toISOString(), replica: this.replica };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.probe);
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  private receive(text: string): void {
    let message: SharedMessage;
    try {
      message = JSON.parse(text) as SharedMessage;
    } catch {
      return;
    }
    if (message.from === this.replica) return;
    this.handlers.get(message.type)?.(message);
  }

  /** Redis trouble: local state from now on, logged once per episode, probed in the background. */
  private degrade(reason: string): void {
    if (this.closed || this.probe !== undefined) return;
    if (this.up || !this.everUp) {
      this.logger.warn({ reason, url: this.config.url }, 'state: Redis unavailable, falling back to local state');
    }
    this.up = false;
    this.since = Date.now();
    metricsDown(this.metrics);
    this.probe = setInterval(() => void this.check(), PROBE_INTERVAL_MS).unref();
  }

  private async check(): Promise<void> {
    if (this.client.status !== 'ready') return;
    try {
      await this.client.ping();
    } catch {
      return;
    }
    clearInterval(this.probe);
    this.probe = undefined;
    if (!this.closed) await this.markUp();
  }

  private async markUp(): Promise<void> {
    const back = this.everUp;
    this.up = true;
    this.everUp = true;
    this.since = Date.now();
    this.metrics.redisUp.set(1);
    for (const resync of this.resyncs) await resync().catch(() => undefined);
    this.metrics.resyncs.inc();
    this.logger.info(
      { url: this.config.url },
      back ? 'state: Redis back, local state resynchronised' : 'state: Redis connected',
    );
  }
}

function metricsDown(metrics: StateMetrics): void {
  metrics.redisUp.set(0);
}
