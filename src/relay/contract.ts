/**
 * The relay's internal contract: what the request pipeline, the chain engine, the dialect
 * adapters, the streaming code and the resilience policies exchange. Every shared type lives
 * here, and this module imports nothing from the relay, so any layer may depend on it without
 * an import running back up. Change it deliberately.
 *
 *   front door (auth, limits, parse, alias -> chain, budget, cache)
 *     -> chain engine (order targets, skip cooling/open ones, retry, hedge, deadline)
 *        -> attempt (one dialect adapter call to one target) -> AttemptOutcome
 *     -> respond (JSON, or SSE stream with the streaming contract) + cost + metrics
 */
import type { EventEmitter } from 'node:events';

// ---------------------------------------------------------------- classification

/** Why an attempt failed. `status_other` covers 1xx/3xx answers an API should never give. */
export type FailureKind =
  | 'connect'
  | 'reset'
  | 'timeout'
  | 'aborted'
  | 'protocol'
  | 'status_429'
  /** Out of credit or quota (OpenAI `insufficient_quota`, Anthropic billing, DeepSeek 402). */
  | 'quota'
  /** 401/403: the relay's key for this target is wrong, not the client's request. */
  | 'auth'
  | 'status_5xx'
  | 'status_4xx'
  | 'status_other'
  | 'error_body'
  | 'malformed'
  | 'unknown'
  /** This target cannot take a prompt this long; one with a larger context window may. */
  | 'context_length'
  /** The model does not exist (or was retired) on this target; another target may serve it. */
  | 'model_not_found'
  /** The provider's content policy refused the request: no other target is asked. */
  | 'content_filter';

/** The classifier's verdict on one attempt (see `classify.ts`). */
export interface Classification {
  readonly kind: 'ok' | FailureKind;
  /** True when the same request may succeed elsewhere or later. */
  readonly retryable: boolean;
}

// ---------------------------------------------------------------- upstream wire

/** The wire dialect a provider speaks. */
export type DialectName = 'openai' | 'anthropic' | 'gemini';

/**
 * How a target is asked to continue an answer from text already sent (`dialects/prefill.ts`):
 * `none` (never asked), `assistant` (a final assistant turn), `prefix` (DeepSeek's `prefix: true`),
 * `continue_final_message` (vLLM's flag).
 */
export type PrefillMode = 'none' | 'assistant' | 'prefix' | 'continue_final_message';

/** Response headers as undici and node:http give them (lower-case names). */
export type UpstreamHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** One dispatched server-sent event. `event` is undefined for the default `message` type. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

// ---------------------------------------------------------------- answers

/** Usage normalised across dialects. */
export interface NormalizedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

/**
 * A successful answer, already translated to OpenAI's shape whatever the dialect upstream.
 * `json`: a whole chat.completion. `stream`: the first content chunk has arrived (the point of
 * no return for failover); the rest is read from `events`.
 */
export type RelayResponse =
  | {
      readonly kind: 'json';
      readonly status: number;
      /** The chat.completion object, serialised in OpenAI's shape. */
      readonly body: Buffer | string;
      readonly model: string;
      readonly usage: NormalizedUsage | undefined;
      /** From send to the last body byte. */
      readonly elapsedMs: number;
    }
  | {
      readonly kind: 'stream';
      readonly model: string;
      /**
       * OpenAI `chat.completion.chunk` objects, serialised (no `data: ` prefix), starting with
       * the chunks read so far; ends after the last chunk (the writer adds `[DONE]`). Throws
       * `StreamCutError` if the upstream stream breaks or reports an in-band error.
       */
      readonly events: AsyncIterable<string>;
      /** Usage, known once `events` is exhausted (undefined if upstream never said). */
      usage(): NormalizedUsage | undefined;
      /** Time to the first content chunk. */
      readonly firstByteMs: number;
      /** Stops reading and releases the upstream connection (loser of a hedge, client gone). */
      cancel(): void;
    };

/**
 * The `code` of the error event that ends a client's stream: `upstream_stream_cut` (the upstream
 * broke, reset or reported an error), `upstream_stream_stalled` (it sent nothing for
 * `streamIdleTimeoutMs`), `deadline_exceeded` (the request's deadline passed mid-stream).
 */
export type StreamCutCode = 'upstream_stream_cut' | 'upstream_stream_stalled' | 'deadline_exceeded';

/** An upstream stream broke after its first content byte: the client gets an error event. */
export class StreamCutError extends Error {
  readonly code: StreamCutCode;

  constructor(
    message: string,
    readonly kind: 'reset' | 'timeout' | 'in_band_error' | 'malformed',
    options?: { cause?: unknown; code?: StreamCutCode | undefined },
  ) {
    super(message, options);
    this.name = 'StreamCutError';
    this.code = options?.code ?? 'upstream_stream_cut';
  }
}

// ---------------------------------------------------------------- stream translation

/** A stream failure: before the first content chunk it is a failed attempt, after it a cut. */
export interface StreamFault {
  readonly verdict: Classification;
  readonly cut: StreamCutError['kind'];
  readonly message: string;
  /** The in-band error translated to OpenAI's error shape, when there was one. */
  readonly body?: Buffer;
  /** The HTTP status the in-band error type stands for (for a pass-through before the first byte). */
  readonly status?: number;
  /** The client's error event code; default `upstream_stream_cut`. */
  readonly code?: StreamCutCode;
}

/** `more`: keep reading; `done`: the upstream's terminal event arrived. */
export type StreamStep = 'more' | 'done' | StreamFault;

/** Translates one upstream event stream into OpenAI `chat.completion.chunk` JSON strings. */
export interface StreamTranslator {
  /** Appends the chunks `event` yields to `out`. */
  push(event: SseEvent, out: string[]): StreamStep;
  /** Upstream EOF: appends trailing chunks; a fault when the stream ended before its end. */
  end(out: string[]): 'done' | StreamFault;
  /** True once a chunk with content (text, tool call or finish) was produced. */
  readonly contentStarted: boolean;
  /**
   * True once the answer is whole (its finish reason and final usage arrived): only the terminal
   * event (`[DONE]`, `message_stop`) or EOF is missing, and the stream may be finalised without it.
   */
  readonly complete: boolean;
  usage(): NormalizedUsage | undefined;
}

// ---------------------------------------------------------------- targets

export interface Price {
  /** USD per million input (prompt) tokens. */
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

/** One provider+model pair of a chain, resolved once at startup (see `target.ts`). */
export interface RelayTarget {
  readonly name: string;
  readonly provider: string;
  readonly dialect: DialectName;
  /** Upstream model id; `''` only for legacy configs without one (send the client's model). */
  readonly model: string;
  /** As configured, without a trailing slash. */
  readonly baseUrl: string;
  /** `scheme://host:port` of the upstream. */
  readonly origin: string;
  /** The base URL's path without a trailing slash (`/v1`, or `''`), for dialects to build on. */
  readonly basePath: string;
  /** The base URL's query string (`?api-version=2`), or `''`. */
  readonly search: string;
  /** OpenAI dialect: path of chat completions, e.g. `/v1/chat/completions`. */
  readonly completionsPath: string;
  /**
   * Headers sent on every attempt: content type plus the dialect's auth when a key is set.
   * Non-enumerable, so logging or serialising a target never shows the key.
   */
  readonly headers: Readonly<Record<string, string>>;
  readonly weight: number;
  readonly priority: number;
  readonly price: Price | undefined;
  /** JSON: send to last body byte. */
  readonly attemptTimeoutMs: number;
  /** Streams: send to the first content chunk. */
  readonly ttfbTimeoutMs: number;
  /** Served streams: the longest gap between upstream chunks. */
  readonly streamIdleTimeoutMs: number;
  /** `undefined`: a plain dial to `origin` (the usual case). */
  readonly dial?: UpstreamDial | undefined;
  /**
   * The model's context window in tokens, as configured (`undefined`: not declared). After a
   * context-length refusal only targets with a larger declared window (or none declared) are tried.
   */
  readonly contextWindow?: number | undefined;
  /** The provider's key pool (`apiKeyEnvs`); `undefined` for a single key (the usual case). */
  readonly keys?: TargetKeys | undefined;
  /** How this target continues a cut answer; `undefined`: its dialect's default. */
  readonly prefill?: PrefillMode | undefined;
}

/**
 * A target's key pool as the engine uses it: the pool (shared by every target of the provider)
 * and the target once per key, differing only in `headers` (index = key index).
 */
export interface TargetKeys {
  readonly pool: KeyPoolView;
  readonly views: readonly RelayTarget[];
}

/** What the engine needs of a key pool (`policies/key-pool.ts`). */
export interface KeyPoolView {
  readonly provider: string;
  readonly size: number;
  /** A usable key not in the `exclude` bitmask, counted in flight; -1 when none. */
  pick(now: number, exclude?: number): number;
  release(index: number): void;
  coolDown(index: number, ms: number, now: number): void;
  /** Takes the key out of the pool (logged once); `now` starts its wait for a probe. */
  revoke(index: number, reason: string, now?: number): void;
  /** The attempt with this key ended without blaming it: a probe `served` re-admits a revoked key. */
  probeEnded(index: number, served: boolean): void;
  /** 0 when a key is usable now; ms to the soonest cooling key; Infinity when every key is revoked. */
  waitMs(now: number): number;
}

/**
 * How a target's origin is reached when not by a plain dial (see `net/dial.ts`): the socket goes
 * to `connectTo` (a fault-plane proxy) while TLS still names and verifies the origin's host, and
 * `caFile` adds a trusted CA. Built once per target at startup.
 */
export interface UpstreamDial {
  /** Connection pools are per key: the origin plus how it is reached. */
  readonly key: string;
  readonly connectTo: string | undefined;
  readonly caFile: string | undefined;
}

// ---------------------------------------------------------------- attempts

/** An attempt that served: `verdict.kind === 'ok'`, the answer already in OpenAI's shape. */
export interface ServedOutcome {
  readonly verdict: Classification;
  readonly response: RelayResponse;
  readonly status?: undefined;
  readonly headers?: undefined;
  readonly body?: undefined;
  readonly error?: undefined;
}

/**
 * An attempt that failed: an HTTP answer (`status`, `headers`, `body` translated to OpenAI's error
 * shape by the dialect) or a thrown network error (`error`).
 */
export interface FailedOutcome {
  readonly verdict: Classification;
  readonly response?: undefined;
  readonly status?: number | undefined;
  /** Upstream response headers (Retry-After lives here). */
  readonly headers?: UpstreamHeaders | undefined;
  readonly body?: Buffer | undefined;
  readonly error?: unknown;
}

/**
 * What one attempt produced. Upstream failures are values, not exceptions, so policies decide
 * from `verdict` without try/catch; an attempt rejects only on a bug.
 */
export type AttemptOutcome = ServedOutcome | FailedOutcome;

export interface AttemptContext {
  readonly target: RelayTarget;
  /** Aborted when the attempt must stop (client gone, deadline, attempt timeout, hedge lost). */
  readonly signal: AbortSignal;
  /** The request's deadline across all attempts, on the `performance.now()` clock (ms). */
  readonly deadline: number;
}

/** One call to one target; never rejects for upstream failures. */
export type Attempt = (context: AttemptContext) => Promise<AttemptOutcome>;

/** True when the outcome carries an answer to serve. */
export function isServed(outcome: AttemptOutcome): outcome is ServedOutcome {
  return outcome.response !== undefined && outcome.verdict.kind === 'ok';
}

// ---------------------------------------------------------------- policy events

/** Breaker state names, as they appear in events and metrics. */
export type BreakerStateName = 'closed' | 'open' | 'halfOpen';

export interface BreakerEvent {
  readonly type: 'breaker';
  readonly target: string;
  readonly from: BreakerStateName;
  readonly to: BreakerStateName;
  /** `now()` of the transition (the engine's clock, `performance.now()` ms by default). */
  readonly at: number;
}

export interface CooldownEvent {
  readonly type: 'cooldown';
  readonly target: string;
  /** When the cooldown ends, on the same clock as `at`. */
  readonly untilMs: number;
  /** Why: e.g. `status_429`, `status_5xx` (from the verdict that carried the Retry-After). */
  readonly reason: string;
  readonly at: number;
}

export type PolicyEvent = BreakerEvent | CooldownEvent;

/** Event name -> listener arguments. */
export interface PolicyEventMap {
  breaker: [BreakerEvent];
  cooldown: [CooldownEvent];
}

/** The engine's emitter: `engine.events.on('breaker', (event) => ...)`. */
export type PolicyEvents = EventEmitter<PolicyEventMap>;

// ---------------------------------------------------------------- the chain engine

/** One failed (or skipped) target, for error messages and reports. */
export interface TargetFailure {
  readonly target: string;
  /** A FailureKind, or `cooldown` / `circuit_open` for a target skipped without an attempt. */
  readonly kind: string;
  /** `HTTP 503`, an error code such as `ECONNREFUSED`, an error name, or why it was skipped. */
  readonly detail: string;
}

interface Tried {
  /** Attempts actually sent (hedges and retry rounds included; skipped targets not). */
  readonly attempts: number;
  /** Every failed attempt and skipped target, in order. */
  readonly failures: readonly TargetFailure[];
  /** Target of every attempt sent, in order: those neither failed nor served were cancelled by us. */
  readonly launched: readonly string[];
}

export type ChainResult =
  | (Tried & {
      readonly kind: 'served';
      readonly target: RelayTarget;
      readonly response: RelayResponse;
      readonly failovers: number;
    })
  /** A non-retryable upstream answer (a 4xx) to pass through; `body` is already in OpenAI's error shape. */
  | (Tried & {
      readonly kind: 'rejected';
      readonly target: RelayTarget;
      readonly status: number;
      readonly body: Buffer | undefined;
      readonly headers: UpstreamHeaders | undefined;
    })
  /** No target could serve; `retryAfterMs` is the soonest a skipped target is back, for the 503. */
  | (Tried & { readonly kind: 'exhausted'; readonly retryAfterMs: number })
  /** The request's deadline passed (-> 504). */
  | (Tried & { readonly kind: 'deadline' })
  /** The caller's signal aborted (the client left). */
  | (Tried & { readonly kind: 'aborted' });

/**
 * What the engine needs of the caller's cancellation (the client leaving): an AbortSignal fits,
 * and so does a lighter object that is no EventTarget (the completion pipeline's, to spare an
 * AbortController per request). The engine registers one listener object, never a closure.
 */
export interface CallerSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: AbortListener, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: AbortListener): void;
}

/** A listener object (the EventListener interface): no closure needed to call back. */
export interface AbortListener {
  handleEvent(): void;
}

export interface ChainRunOptions {
  /** The caller's signal: the client leaving. */
  readonly signal: CallerSignal;
  /** On the engine's clock (`performance.now()` by default); `Infinity` for none. */
  readonly deadline: number;
  /** Streams resolve at the first content chunk: attempts are bounded by `ttfbTimeoutMs`. */
  readonly stream: boolean;
}

/** Runs requests over chains of targets; built by `routing/chain-engine.ts`. */
export interface ChainEngine {
  readonly events: PolicyEvents;
  /** Runs one request over `targets` (sorted by priority, as `prepareTargets` returns them). */
  run(targets: readonly RelayTarget[], attempt: Attempt, options: ChainRunOptions): Promise<ChainResult>;
  /** True when the target may take traffic now (breaker not open, not cooling): for `/ready`. */
  isAvailable(target: RelayTarget): boolean;
  breakerState(target: RelayTarget): BreakerStateName;
  /**
   * Another replica of a fleet (shared state) opened `target`'s breaker, `remainingMs` before it
   * would let a probe through: open it here too, for the same remaining time.
   */
  openShared(target: RelayTarget, remainingMs: number): void;
  /** Another replica's half-open probe of `target` succeeded: end the open period here (half-open). */
  endOpenShared(target: RelayTarget): void;
  /** Another replica cooled `target` down (Retry-After): skip it here too for `remainingMs`. */
  coolDownShared(target: RelayTarget, remainingMs: number): void;
  /** Feeds an active health check's result to every target of `provider`. */
  recordHealth(provider: string, healthy: boolean): void;
  /**
   * How a stream this target served ended: `true` complete, `false` cut after its first byte.
   * A stream's attempt resolves at the first byte with no breaker verdict; this gives it, so a
   * target that cuts every stream mid-way is taken out of rotation like any failing one.
   */
  recordStreamEnd(target: RelayTarget, complete: boolean): void;
  /** The latest breaker and cooldown events, oldest first (for `GET /relay/events`). */
  recentEvents(): readonly PolicyEvent[];
}

// ---------------------------------------------------------------- readiness

/** The answer of `GET /ready`. */
export interface Readiness {
  readonly ready: boolean;
  /** Shown in the body, e.g. which aliases have no available target. */
  readonly detail?: Readonly<Record<string, unknown>>;
}
