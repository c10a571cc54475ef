/**
 * The failure modes the scorecard drills, one row each: what goes wrong on the primary (fault
 * entries in scenario syntax, without provider or timing), whether the requests stream, and how
 * the mode is judged when it differs from the defaults. Adding a mode is adding a row: the runner
 * builds its scenario (mode-scenario.ts) and the verdict (verdict.ts) judges it like the others.
 */

/** A fault as a scenario's `faults:` entry says it, minus `provider`, `at` and `for` (the runner sets them). */
export type ModeFault = Readonly<Record<string, string | number>> & { readonly type: string };

/** Per-mode judging rules; each has a default in verdict.ts. */
export interface ModeJudging {
  /** Attempts on the faulted provider for one request above this = hammered (default 3). */
  readonly maxAttemptsOnFaulted?: number;
  /**
   * Which error statuses count as clean: `any` 4xx/5xx (default), or only `4xx` (the client's
   * request was at fault, e.g. a content-policy refusal: a 5xx would mask the reason).
   */
  readonly errorStatus?: 'any' | '4xx';
}

/** A provider's extra scenario settings in one mode, by role. */
export type ModeRoles = Readonly<{
  primary?: Readonly<Record<string, unknown>>;
  fallback?: Readonly<Record<string, unknown>>;
}>;

export interface FailureMode {
  /** Short snake_case name, the table's first column and `--modes` value. */
  readonly name: string;
  /** One line: what the provider does. */
  readonly story: string;
  /** Fault(s) on the primary for the fault window. */
  readonly faults: readonly ModeFault[];
  /** Whether every request streams (`stream: true`) or none does. */
  readonly stream: boolean;
  readonly judge?: ModeJudging;
  /** Settings of the providers (`providers:` entries), e.g. a key pool the harness makes. */
  readonly providers?: ModeRoles;
  /**
   * Our relay's chain-entry settings (builtin only), e.g. the context windows a user declares;
   * another gateway is judged on the same providers and faults without them.
   */
  readonly relay?: ModeRoles;
  /** Fault(s) on the fallback in the same window: the primary's own means must serve. */
  readonly fallbackFaults?: readonly ModeFault[];
}

export const FAILURE_MODES: readonly FailureMode[] = Object.freeze([
  { name: 'refused', story: 'connections refused: the host is down', faults: [{ type: 'down' }], stream: false },
  {
    name: 'reset',
    story: 'the connection is reset before any answer',
    faults: [{ type: 'reset', timeout: '0ms' }],
    stream: false,
  },
  {
    name: 'blackhole',
    story: 'connections accepted, nothing ever answered',
    faults: [{ type: 'blackhole', timeout: '0ms' }],
    stream: false,
  },
  {
    name: 'rate_limited',
    story: '429 with Retry-After: 1',
    faults: [{ type: 'http_status', status: 429, retry_after: '1s' }],
    stream: false,
  },
  { name: 'server_error', story: '500 answers', faults: [{ type: 'http_status', status: 500 }], stream: false },
  {
    name: 'unavailable',
    story: '503 with Retry-After: 1',
    faults: [{ type: 'http_status', status: 503, retry_after: '1s' }],
    stream: false,
  },
  {
    name: 'error_body',
    story: '200 whose body is an error',
    faults: [{ type: 'error_body', status: 500 }],
    stream: false,
  },
  {
    name: 'wrong_content_type',
    story: '200 with an HTML page',
    faults: [{ type: 'wrong_content_type' }],
    stream: false,
  },
  {
    name: 'slow_network',
    story: '3 s of network latency on every packet',
    faults: [{ type: 'latency', latency: '3s' }],
    stream: false,
  },
  {
    name: 'stall_first_token',
    story: 'a stream that sends nothing for 20 s',
    faults: [{ type: 'stall', delay: '20s' }],
    stream: true,
  },
  {
    name: 'slow_stream',
    story: 'tokens 150 ms apart: a complete but slow answer',
    faults: [{ type: 'drip', per_token: '150ms' }],
    stream: true,
  },
  {
    name: 'stream_cut',
    story: 'the connection dies after 3 SSE events',
    faults: [{ type: 'cut', after_chunks: 3 }],
    stream: true,
  },
  {
    name: 'stream_error_event',
    story: 'a 200 stream whose event is an error',
    faults: [{ type: 'error_body', status: 500 }],
    stream: true,
  },
  {
    name: 'malformed_event',
    story: 'an unparseable SSE event mid-stream',
    faults: [{ type: 'malformed', after_chunks: 2 }],
    stream: true,
  },
  {
    name: 'no_done',
    story: 'a complete stream whose terminal event never comes, the connection held open',
    faults: [{ type: 'no_done', hold: '30s' }],
    stream: true,
  },
  {
    name: 'model_not_found',
    story: 'the primary no longer serves the model (retired)',
    faults: [{ type: 'model_not_found' }],
    stream: false,
  },
  {
    name: 'content_filter',
    story: 'a content-policy refusal: the reason must reach the client, no failover',
    faults: [{ type: 'content_filter' }],
    stream: false,
    judge: { errorStatus: '4xx' },
  },
  {
    name: 'stream_stall',
    story: 'a stream that goes silent for 20 s after its first events',
    faults: [{ type: 'stream_stall', after_chunks: 2, duration: '20s' }],
    stream: true,
  },
  {
    name: 'context_length',
    story: "the prompt exceeds the primary's context window; the fallback's is larger",
    faults: [{ type: 'context_length' }],
    stream: false,
    relay: { primary: { context_window: 8000 }, fallback: { context_window: 128_000 } },
  },
  {
    name: 'key_revoked',
    story: "one of the primary's 2 keys answers 401 (revoked) and the fallback is down: the other key must serve",
    faults: [{ type: 'auth_error', key: 1 }],
    stream: false,
    providers: { primary: { keys: 2 } },
    fallbackFaults: [{ type: 'down' }],
  },
  {
    name: 'key_exhausted',
    story: "one of the primary's 2 keys answers 429 (quota spent) and the fallback is down: the other key must serve",
    faults: [{ type: 'key_rate_limit', key: 1, retry_after: '30s' }],
    stream: false,
    providers: { primary: { keys: 2 } },
    fallbackFaults: [{ type: 'down' }],
  },
] satisfies FailureMode[]);

/** The modes named in `names` (all without a list), in table order; an unknown name is reported with the known ones. */
export function selectModes(names: readonly string[] | undefined): { modes: FailureMode[]; unknown: string[] } {
  if (names === undefined || names.length === 0) return { modes: [...FAILURE_MODES], unknown: [] };
  const known = new Set(FAILURE_MODES.map((m) => m.name));
  return {
    modes: FAILURE_MODES.filter((m) => names.includes(m.name)),
    unknown: names.filter((n) => !known.has(n)),
  };
}
