/**
 * One record per scheduled request: exactly one outcome, times relative to the start of load.
 * Accounting identity: scheduled = ok + failed + dropped.
 */

export type Outcome = 'ok' | 'failed' | 'dropped';

/**
 * Why a request failed. `status_NNN` for an HTTP error status, `reset` for a connection reset,
 * `connect` for a refused connection, `timeout` for the client deadline, `bad_body` for a 2xx
 * without a well-formed completion, `interrupted` for requests cut short by Ctrl-C, `stream_cut`
 * for a 2xx stream that ended (or broke) without a terminal `data: [DONE]`, `stream_error` for a
 * stream that carried an in-band error event (`data: {"error":...}`).
 */
export type FailureKind =
  | `status_${number}`
  | 'reset'
  | 'connect'
  | 'timeout'
  | 'bad_body'
  | 'interrupted'
  | 'stream_cut'
  | 'stream_error'
  | 'other';

/** Token usage as the response reported it (OpenAI `usage`), when it did. */
export interface TokenUsage {
  prompt: number;
  completion: number;
}

export interface RequestRecord {
  /** Sequence number in the schedule (0-based). */
  seq: number;
  /** Intended start, ms since load start (the schedule, not when it was actually sent). */
  intendedMs: number;
  /** Actual send time, ms since load start; equals intendedMs for dropped requests. */
  sentMs: number;
  /** When the response completed or the failure was known, ms since load start. */
  endMs: number;
  outcome: Outcome;
  failure?: FailureKind;
  status?: number;
  /** Provider that served the request, as the relay reports it (`x-relay-provider`). */
  provider?: string;
  /** Upstream attempts the relay made (`x-relay-attempts`). */
  attempts?: number;
  /** Model the request asked for (from the request mix). */
  model?: string;
  /** Whether the request asked for a stream (`stream: true`). */
  stream?: boolean;
  /** Name of the client key the request carried, when the mix has keys (never the token). */
  client?: string;
  /** When the response's status and headers arrived, ms since load start (kept with `headers`, for `--records`). */
  headersMs?: number;
  /** First content chunk of a stream, ms since load start; TTFT = firstTokenMs - intendedMs. */
  firstTokenMs?: number;
  /** Content chunks received (streams only). */
  chunks?: number;
  /** Largest gap between consecutive content chunks, ms (streams with >= 2 chunks). */
  maxGapMs?: number;
  /** Token usage, if the response reported it. */
  usage?: TokenUsage;
  /** Which replica of a fleet the request was sent to (0-based), when the target is a fleet. */
  replica?: number;
  /** Requests each provider saw for this one (its mock log): attempts and hedges, by provider name. */
  attemptsByProvider?: Readonly<Record<string, number>>;
  /**
   * A failed answer's error (an error status's body, or a stream's first error event): in OpenAI's
   * shape `{"error": {"message", "type", "code"}}` or not (load/error-shape.ts).
   */
  errorShape?: 'openai' | 'other';
  /** A failed answer's error code: the error body's (or stream error event's) `error.code`, else `error.type`. */
  errorCode?: string;
  /**
   * The chosen response headers (`retry-after`, `x-relay-*`, `x-request-id`, `x-mock-provider`),
   * lower-case names; only when the load was asked to keep them (`--records`).
   */
  headers?: Readonly<Record<string, string>>;
}

/** Latency from the intended start, in microseconds (coordinated-omission free). */
export function latencyMicros(record: RequestRecord): number {
  return (record.endMs - record.intendedMs) * 1000;
}

/** Service time from the actual send, in microseconds. */
export function serviceMicros(record: RequestRecord): number {
  return (record.endMs - record.sentMs) * 1000;
}

/** Time to first token from the intended start, in microseconds; undefined without a first token. */
export function ttftMicros(record: RequestRecord): number | undefined {
  return record.firstTokenMs === undefined ? undefined : (record.firstTokenMs - record.intendedMs) * 1000;
}

/**
 * The name a served request is counted under when nothing said which provider served it (no
 * relay header, no mock log entry): counted as such, never guessed.
 */
export const UNATTRIBUTED = 'unattributed';
