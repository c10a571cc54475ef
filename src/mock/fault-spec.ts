/**
 * HTTP-level faults a mock provider can inject (the ones TCP toxics cannot express), and the
 * validation of a `POST /_mock/faults` body: every problem names the field and the value received.
 */
import { REFUSAL_KINDS, type RefusalKind } from './refusals.js';

export const FAULT_KINDS = [
  'http_status',
  'error_body',
  'stall',
  'drip',
  'cut',
  'malformed',
  'wrong_content_type',
  'stream_stall',
  'no_done',
  'auth_error',
  'key_rate_limit',
  ...REFUSAL_KINDS,
  'prefill_unsupported',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What a fault does, by kind. */
export type FaultEffect =
  /** Answer `status` with the dialect's error body; `retryAfter` seconds adds Retry-After. */
  | { readonly kind: 'http_status'; readonly status: number; readonly retryAfter?: number }
  /** Answer 200 whose body (or in-band stream event) is the error `status` stands for. */
  | { readonly kind: 'error_body'; readonly status: number }
  /** Wait `ms` more before the first token. */
  | { readonly kind: 'stall'; readonly ms: number }
  /** Send tokens `ms` apart (JSON answers wait `tokens * ms`). */
  | { readonly kind: 'drip'; readonly ms: number }
  /** Destroy the socket after `afterChunks` SSE events (JSON: after half the body). */
  | { readonly kind: 'cut'; readonly afterChunks: number }
  /** Send a truncated, unparseable event after `afterChunks` events (JSON: a truncated body). */
  | { readonly kind: 'malformed'; readonly afterChunks: number }
  /** Answer 200 with an HTML page, as a misconfigured gateway does. */
  | { readonly kind: 'wrong_content_type' }
  /**
   * After `afterChunks` SSE events, send nothing for `ms` with the connection open (a stall after
   * the first token), then resume, or with `close` destroy the socket (JSON: wait `ms` more).
   */
  | { readonly kind: 'stream_stall'; readonly afterChunks: number; readonly ms: number; readonly close: boolean }
  /**
   * A complete stream (finish reason, usage) without its terminal event (`[DONE]`, `message_stop`),
   * the connection then held open `holdMs` before it ends (JSON answers are unaffected).
   */
  | { readonly kind: 'no_done'; readonly holdMs: number }
  /** Answer 401 (or 402/403) to requests whose API key ends with `key` only: a revoked or unpaid key. */
  | { readonly kind: 'auth_error'; readonly key: string; readonly status: number }
  /** Answer 429 (+ Retry-After `retryAfter` s) to requests whose API key ends with `key` only. */
  | { readonly kind: 'key_rate_limit'; readonly key: string; readonly retryAfter?: number }
  /** Refuse the request in the dialect's words: prompt too long, content policy, no such model (see refusals.ts). */
  | { readonly kind: RefusalKind }
  /** Refuse a continuation (a request ending with an assistant turn) with the dialect's 400; others are served. */
  | { readonly kind: 'prefill_unsupported' };

/** A fault as requested: its effect, the share of requests it hits, and its window. */
export interface FaultSpec {
  readonly effect: FaultEffect;
  /** Probability (0..1) that a request is hit, drawn from the provider's seeded stream. Default 1. */
  readonly rate: number;
  /** Window length in ms from creation; undefined = until removed. */
  readonly forMs: number | undefined;
}

const FIELDS: Readonly<Record<FaultKind, readonly string[]>> = Object.freeze({
  http_status: ['status', 'retryAfter'],
  error_body: ['status'],
  stall: ['ms'],
  drip: ['ms'],
  cut: ['afterChunks'],
  malformed: ['afterChunks'],
  wrong_content_type: [],
  stream_stall: ['afterChunks', 'ms', 'close'],
  no_done: ['holdMs'],
  auth_error: ['key', 'status'],
  key_rate_limit: ['key', 'retryAfter'],
  context_length: [],
  content_filter: [],
  model_not_found: [],
  prefill_unsupported: [],
});
const COMMON = ['kind', 'rate', 'for'];
/** A stall or drip longer than this is a mistake, not a drill (clients time out long before). */
const MAX_MS = 600_000;

export type FaultParse =
  { readonly ok: true; readonly spec: FaultSpec } | { readonly ok: false; readonly problems: readonly string[] };

/** Validates a fault body; never throws. */
export function parseFaultSpec(body: unknown): FaultParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [`fault: expected a JSON object, received ${JSON.stringify(body)}`] };
  }
  const b = body as Record<string, unknown>;
  const kind = b['kind'];
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, problems: [`field 'kind': expected one of ${FAULT_KINDS.join(', ')}, received ${show(kind)}`] };
  }
  const k = kind as FaultKind;
  const problems: string[] = [];
  for (const key of Object.keys(b)) {
    if (!COMMON.includes(key) && !FIELDS[k].includes(key)) {
      problems.push(`field '${key}': not allowed for kind ${k} (allowed: ${[...COMMON, ...FIELDS[k]].join(', ')})`);
    }
  }
  const rate = b['rate'] ?? 1;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
    problems.push(`field 'rate': expected a number in 0..1, received ${show(b['rate'])}`);
  const forMs = b['for'];
  if (forMs !== undefined && !(typeof forMs === 'number' && forMs > 0 && Number.isFinite(forMs))) {
    problems.push(`field 'for': expected milliseconds > 0, received ${show(forMs)}`);
  }
  const effect = effectOf(k, b, problems);
  if (problems.length > 0 || effect === undefined) return { ok: false, problems };
  return { ok: true, spec: { effect, rate: rate as number, forMs: forMs as number | undefined } };
}

function effectOf(kind: FaultKind, b: Record<string, unknown>, problems: string[]): FaultEffect | undefined {
  switch (kind) {
    case 'http_status': {
      const status = integer(b, 'status', 400, 599, undefined, problems);
      const retryAfter = retryAfterOf(b, problems);
      if (status === undefined) return undefined;
      return retryAfter === undefined ? { kind, status } : { kind, status, retryAfter: retryAfter as number };
    }
    case 'error_body': {
      const status = integer(b, 'status', 400, 599, 500, problems);
      return status === undefined ? undefined : { kind, status };
    }
    case 'stall':
    case 'drip': {
      const ms = milliseconds(b, 'ms', undefined, problems);
      return ms === undefined ? undefined : { kind, ms };
    }
    case 'cut':
    case 'malformed': {
      const afterChunks = integer(b, 'afterChunks', 0, 1_000_000, kind === 'cut' ? 2 : 1, problems);
      return afterChunks === undefined ? undefined : { kind, afterChunks };
    }
    case 'wrong_content_type':
    case 'context_length':
    case 'content_filter':
    case 'model_not_found':
    case 'prefill_unsupported':
      return { kind };
    case 'stream_stall':
      return streamStallOf(b, problems);
    case 'no_done': {
      const holdMs = milliseconds(b, 'holdMs', 30_000, problems);
      return holdMs === undefined ? undefined : { kind, holdMs };
    }
    case 'auth_error':
    case 'key_rate_limit':
      return keyEffect(kind, b, problems);
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

function streamStallOf(b: Record<string, unknown>, problems: string[]): FaultEffect | undefined {
  const afterChunks = integer(b, 'afterChunks', 0, 1_000_000, 1, problems);
  const ms = milliseconds(b, 'ms', undefined, problems);
  // 0/1 as well as booleans: scenario attributes are numbers on the wire.
  const close = b['close'] ?? false;
  if (!(typeof close === 'boolean' || close === 0 || close === 1)) {
    problems.push(`field 'close': expected true, false, 0 or 1, received ${show(close)}`);
    return undefined;
  }
  if (afterChunks === undefined || ms === undefined) return undefined;
  return { kind: 'stream_stall', afterChunks, ms, close: close === true || close === 1 };
}

function milliseconds(
  b: Record<string, unknown>,
  field: string,
  fallback: number | undefined,
  problems: string[],
): number | undefined {
  const ms = b[field] ?? fallback;
  if (typeof ms === 'number' && ms >= 0 && ms <= MAX_MS) return ms;
  problems.push(`field '${field}': expected milliseconds in 0..${MAX_MS}, received ${show(b[field])}`);
  return undefined;
}

/** The per-key faults: `key` is the last characters (4 or more) of the API key the fault hits. */
function keyEffect(
  kind: 'auth_error' | 'key_rate_limit',
  b: Record<string, unknown>,
  problems: string[],
): FaultEffect | undefined {
  const key = b['key'];
  if (!(typeof key === 'string' && /^[\x21-\x7e]{4,}$/.test(key)))
    problems.push(`field 'key': expected the last 4 or more characters of an API key, received ${show(key)}`);
  if (kind === 'auth_error') {
    const status = b['status'] ?? 401;
    if (status !== 401 && status !== 402 && status !== 403)
      problems.push(`field 'status': expected 401, 402 or 403, received ${show(b['status'])}`);
    return problems.length > 0 ? undefined : { kind, key: key as string, status: status as number };
  }
  const retryAfter = retryAfterOf(b, problems);
  if (problems.length > 0) return undefined;
  return retryAfter === undefined ? { kind, key: key as string } : { kind, key: key as string, retryAfter };
}

function retryAfterOf(b: Record<string, unknown>, problems: string[]): number | undefined {
  const retryAfter = b['retryAfter'];
  if (retryAfter !== undefined && !(typeof retryAfter === 'number' && retryAfter >= 0 && retryAfter <= 86_400)) {
    problems.push(`field 'retryAfter': expected seconds in 0..86400, received ${show(retryAfter)}`);
    return undefined;
  }
  return retryAfter as number | undefined;
}

function integer(
  b: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  fallback: number | undefined,
  problems: string[],
): number | undefined {
  const value = b[field] ?? fallback;
  if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) return value as number;
  problems.push(`field '${field}': expected an integer in ${min}..${max}, received ${show(b[field])}`);
  return undefined;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing (missing)' : (JSON.stringify(value) ?? String(value));
}
