/**
 * The validated relay configuration's types (re-exported by `relay/config.ts`). Every field is
 * documented here and, with an example, in `fixtures/relay.example.yaml`.
 */
import type { BreakerOptions } from '../policies/circuit-breaker.js';
import type { KeySelection } from '../policies/key-pool.js';
import type { RetryBudgetOptions } from '../policies/retry-budget.js';
import type { RetryOptions } from '../policies/retry.js';
import type { PrefillMode } from '../contract.js';
import type { MalformedEventPolicy } from '../streaming/malformed-events.js';

/** The wire dialect a provider speaks. */
export type Dialect = 'openai' | 'anthropic' | 'gemini';

/** The listening front door. */
export interface ServerConfig {
  readonly host: string;
  /** 0 picks an ephemeral port. */
  readonly port: number;
  /** Requests in flight beyond this are refused at once with 503 + Retry-After (bulkhead). */
  readonly maxInFlight: number;
  /** Seconds put in `Retry-After` when the bulkhead refuses a request. */
  readonly overloadRetryAfterS: number;
  /** Request bodies above this are refused with 413. */
  readonly maxBodyBytes: number;
  /** One deadline across all attempts of one request, from arrival. */
  readonly deadlineMs: number;
  /** A request's headers must have arrived within this of its first byte; else 408 and the connection closes. */
  readonly headersTimeoutMs: number;
  /**
   * Time a body gets after the headers deadline: the whole request must have arrived within
   * `headersTimeoutMs + bodyTimeoutMs` of its first byte; else 408 and the connection closes.
   */
  readonly bodyTimeoutMs: number;
  /**
   * Requests whose body is still arriving, counted apart from `maxInFlight` (a slow body holds no
   * in-flight slot); beyond this many a new request gets 503 + Retry-After at once.
   */
  readonly maxUnreadBodies: number;
}

/** What happens when a key has spent its budget. */
export type BudgetExhaustedAction = 'reject' | 'downgrade';

/** One client API key. */
export interface ClientKeyConfig {
  /** Shown in logs and metrics instead of the key. */
  readonly id: string;
  /** Lower-case hex sha256 of the bearer token (the token itself is never in the file). */
  readonly sha256: string;
  /** Spend allowed per `budgetPeriod` in USD; `undefined`: unlimited. */
  readonly budgetUsd: number | undefined;
  /** Budgets reset at the start of each UTC day or month, or never (`total`). */
  readonly budgetPeriod: 'day' | 'month' | 'total';
  /** `reject`: 429 + Retry-After; `downgrade`: serve from the `downgradeTo` alias instead. */
  readonly onBudgetExhausted: BudgetExhaustedAction;
  /** Alias used once the budget is spent, with `onBudgetExhausted: downgrade`. */
  readonly downgradeTo: string | undefined;
  /** Request rate allowed to this key (token bucket, bursts up to a minute's worth); beyond it 429 + Retry-After. */
  readonly requestsPerMinute: number | undefined;
}

/** One admin key: may read `/metrics` and `/relay/events` when any is configured. */
export interface AdminKeyConfig {
  /** Names the key in config errors. */
  readonly id: string;
  /** Lower-case hex sha256 of the bearer token (the token itself is never in the file). */
  readonly sha256: string;
}

/** Active health check of a provider (a GET every `intervalMs`). */
export interface HealthCheckConfig {
  /** Path appended to `baseUrl`, e.g. `/models`. */
  readonly path: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** One upstream provider account. */
export interface ProviderConfig {
  /** Referenced by chain entries: letters, digits, `.`, `_`, `:`, `-`. */
  readonly name: string;
  readonly dialect: Dialect;
  /** Base URL including the version prefix, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Environment variable holding the API key; keys are never written in the file. */
  readonly apiKeyEnv: string | undefined;
  /**
   * A key pool instead of `apiKeyEnv`: one variable per key, each with its own rate limit. A 429
   * cools that key down, a 401/402/403 takes it out of the pool; the others keep serving.
   */
  readonly apiKeyEnvs: readonly string[] | undefined;
  /** How a pool's next key is chosen. Default `least-used` (fewest in flight, then longest unused). */
  readonly keySelection: KeySelection;
  /**
   * A pool key taken out by a 401/402/403 is let in for one probe request this long after its last
   * refusal: served, it is back in the pool; refused, out for another period. 0: out until restart.
   */
  readonly keyProbeAfterMs: number;
  /** Budget of one JSON (non-stream) attempt, from send to the last body byte. Streams: see below. */
  readonly attemptTimeoutMs: number;
  /**
   * Budget of one stream attempt, from send to the first content chunk (not to the response
   * headers: an upstream that answers 200 and then says nothing is still caught). Until then the
   * chain may fail over; at most `attemptTimeoutMs`.
   */
  readonly ttfbTimeoutMs: number;
  /**
   * A served stream's longest silence: once content flows, a gap between upstream chunks longer
   * than this ends the client's stream with an error event and counts against the target.
   * The stream as a whole is bounded by `server.deadlineMs`.
   */
  readonly streamIdleTimeoutMs: number;
  /** `undefined`: no active health check (passive breaker only). */
  readonly healthCheck: HealthCheckConfig | undefined;
  /**
   * `host:port` to open connections to instead of `baseUrl`'s host, e.g. a fault-plane proxy in
   * front of the provider. `baseUrl` keeps the real host: it is still the Host header, the TLS
   * server name and the name the certificate is verified for. `undefined`: dial `baseUrl`'s host.
   */
  readonly connectTo: string | undefined;
  /**
   * Absolute path of a PEM CA certificate trusted in addition to the system roots (a stand-in's
   * private CA); checked at load. Certificate verification is never switched off.
   */
  readonly caFile: string | undefined;
  /**
   * How this provider is asked to continue a cut answer (`policies.streams.continueOnCut`):
   * `none`, `assistant` (a final assistant turn), `prefix` (DeepSeek) or `continue_final_message`
   * (vLLM); the last two for OpenAI-compatible providers only. `undefined`: the dialect's default
   * (Anthropic and Gemini `assistant`; OpenAI-compatible `none`, as OpenAI ignores a prefill).
   */
  readonly prefill: PrefillMode | undefined;
}

/** Circuit breaker per target: closed -> open -> half-open (probes) -> closed with a slow-start ramp. */
export type BreakerConfig = BreakerOptions & { readonly enabled: boolean };

/**
 * Retry rounds: when every target of a chain failed, the whole chain is tried again (up to
 * `maxAttempts` rounds in all; 1 = no retry), after exponential backoff with full jitter. Within a
 * round, the last candidate (the only one of a single-provider chain) is retried up to
 * `sameTarget` times after a transient failure, with the same backoff and budget. When every
 * target is cooling down and the soonest is back within `maxRetryAfterWaitMs` (and before the
 * deadline), the request waits for it instead of answering 503.
 */
export type RetryConfig = RetryOptions;

/**
 * Caps retry rounds to a share of requests, so an outage cannot multiply load (a failover to the
 * next target in a round is not a retry: each target is tried at most once per round).
 */
export type RetryBudgetConfig = RetryBudgetOptions;

/** Hedged requests: a second target is tried when the first has not answered after a delay. */
export interface HedgeConfig {
  readonly enabled: boolean;
  /** Fixed delay, or `p95`: the target's observed 95th-percentile latency. */
  readonly delayMs: number | 'p95';
  /** Hedges allowed per request over the recent window (0.05 = at most 5% extra load). */
  readonly budgetRatio: number;
  /**
   * A target whose attempt loses a hedge race after running this many times its usual latency
   * (or past its attempt timeout) is counted as failing, so a black-holed primary trips its breaker.
   */
  readonly slowLoserFactor: number;
}

/** Exact-match response cache. */
export interface CacheConfig {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Larger responses are not cached. */
  readonly maxEntryBytes: number;
  /**
   * Which requests are cached besides `temperature: 0` ones: `none`, `header` (those sending
   * `x-relay-cache: on`), or `all`. `x-relay-cache: off` always bypasses.
   */
  readonly optIn: 'none' | 'header' | 'all';
  /** `false`: each client key has its own cache space, so no key sees another's answers. */
  readonly shared: boolean;
}

/** Per-target cooldown after a 429/503 (Retry-After in any form, else `defaultMs`). */
export interface CooldownConfig {
  readonly defaultMs: number;
  /** A Retry-After asking for longer is capped to this. */
  readonly maxMs: number;
  /**
   * A target that answered "no such model" is tried after every other target of its chain for this
   * long (its breaker untouched; a chain with nowhere else to go still asks it). 0: never demoted.
   */
  readonly modelNotFoundMs: number;
}

/** Choice within an equal-priority group: power of two choices by latency score and weight. */
export interface BalancingConfig {
  /** Scores within this relative margin count as equal, and the weighted draw stands (0.2 = 20%). */
  readonly tolerance: number;
}

/** Served streams. */
export interface StreamsConfig {
  /**
   * An upstream event that cannot be read: `fail` ends the stream like a cut (before the first
   * content chunk the chain fails over instead), `skip` drops it (logged, counted) and goes on.
   */
  readonly malformedEvent: MalformedEventPolicy;
  /**
   * A stream cut mid-answer (reset, stall, upstream error) whose answer so far is plain text is
   * continued by the chain's next target able to (its `prefill`), from the text already sent:
   * the client's stream goes on seamlessly. Off by default: the client gets the cut's error event.
   * Never for tool calls; an alias's `continueOnCut` overrides this.
   */
  readonly continueOnCut: boolean;
}

export interface PoliciesConfig {
  readonly breaker: BreakerConfig;
  readonly retry: RetryConfig;
  readonly retryBudget: RetryBudgetConfig;
  readonly hedge: HedgeConfig;
  readonly cache: CacheConfig;
  readonly cooldown: CooldownConfig;
  readonly balancing: BalancingConfig;
  readonly streams: StreamsConfig;
}

export interface LoggingConfig {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log prompt and completion text; off by default (prompts are customer data). */
  readonly logPrompts: boolean;
}

/**
 * Redis shared by a fleet of relay replicas: breaker state and cooldowns per target, key rates,
 * budgets, key-pool usage and (optionally) the cache. Redis trouble never fails a request.
 */
export interface RedisStateConfig {
  /** `redis://host:port/db` or `rediss://...`; no password in it (see `passwordEnv`). */
  readonly url: string;
  /** Prepended to every key (and channel), so several fleets can share one Redis. Default `relaybench:`. */
  readonly keyPrefix: string;
  /** A command slower than this counts as Redis trouble: the replica falls back to local state. Default 50. */
  readonly commandTimeoutMs: number;
  /** Environment variable holding the Redis password; `undefined`: none. */
  readonly passwordEnv: string | undefined;
  /**
   * Share the exact-match cache (`policies.cache`, when enabled) through Redis too: a local miss
   * asks Redis (one GET), a fresh answer is stored there with the cache's TTL. Default false.
   */
  readonly cache: boolean;
}

/** Where relay state lives. */
export interface StateConfig {
  /** `undefined`: in memory, per process (the default; nothing needs Redis). */
  readonly redis: RedisStateConfig | undefined;
}

/** USD per million tokens, as price books list them. */
export interface PriceConfig {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

/** One provider+model pair in an alias's chain: becomes one `RelayTarget`. */
export interface ChainEntryConfig {
  /** Target name (metrics, `x-relay-provider`, breaker state): `${provider}/${model}` unless configured. */
  readonly name: string;
  /** Name of a configured provider. */
  readonly provider: string;
  /**
   * Upstream model id. `undefined` only in the legacy catch-all chain without a `model`: the
   * client's requested model is forwarded unchanged.
   */
  readonly model: string | undefined;
  /** Share of traffic within its priority group (default 1). */
  readonly weight: number;
  /** Lower is tried first; entries with equal priority form a balanced group. Default: list index. */
  readonly priority: number;
  /** For cost accounting and cost-aware routing; unknown when not configured. */
  readonly price: PriceConfig | undefined;
  /**
   * Most output tokens this model may be asked for. When every entry of a chain declares one, a
   * request whose `max_tokens`/`max_completion_tokens` exceeds the largest is refused with 400.
   */
  readonly maxOutputTokens: number | undefined;
  /**
   * The model's context window in tokens. After a target refuses a prompt as too long, only
   * entries declaring a larger window (or none) are tried. `undefined`: not declared.
   */
  readonly contextWindow: number | undefined;
}

/** A model name clients ask for, and where it is served from. */
export interface AliasConfig {
  readonly chain: readonly ChainEntryConfig[];
  /** Overrides `policies.streams.continueOnCut` for this alias; `undefined`: the policy's. */
  readonly continueOnCut: boolean | undefined;
}

/** The validated, defaulted, frozen relay configuration. */
export interface RelayConfig {
  readonly server: ServerConfig;
  /** Client keys (auth is off when empty); admin keys for `/metrics` and `/relay/events` (open when empty). */
  readonly auth: { readonly keys: readonly ClientKeyConfig[]; readonly adminKeys: readonly AdminKeyConfig[] };
  readonly providers: readonly ProviderConfig[];
  /** Aliases clients may request, in file order. */
  readonly models: Readonly<Record<string, AliasConfig>>;
  /** Chain for any model that is not an alias (legacy configs only); `undefined`: unknown models get 404. */
  readonly catchAll: readonly ChainEntryConfig[] | undefined;
  readonly policies: PoliciesConfig;
  readonly logging: LoggingConfig;
  readonly state: StateConfig;
}

/** One target of the legacy skeleton form (`targets:`), still accepted and used by `prepareTargets`. */
export interface RelayTargetConfig {
  /** Shown in `x-relay-provider` and error messages: letters, digits, `.`, `_`, `:`, `-`. */
  readonly name: string;
  /** OpenAI-style base URL including the version prefix, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** Replaces the request's `model` when sending to this target. */
  readonly model?: string | undefined;
  /** Environment variable holding the API key sent as `Authorization: Bearer`. */
  readonly apiKeyEnv?: string | undefined;
}
