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
  ...REFUSAL_KINDS,
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
  /** Refuse the request in the dialect's words: prompt too long, content policy, no such model (see refusals.ts). */
  | { readonly kind: RefusalKind };

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
  context_length: [],
  content_filter: [],
  model_not_found: [],
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
      const retryAfter = b['retryAfter'];
      if (retryAfter !== undefined && !(typeof retryAfter === 'number' && retryAfter >= 0 && retryAfter <= 86_400)) {
        problems.push(`field 'retryAfter': expected seconds in 0..86400, received ${show(retryAfter)}`);
      }
      if (status === undefined) return undefined;
      return retryAfter === undefined ? { kind, status } : { kind, status, retryAfter: retryAfter as number };
    }
    case 'error_body': {
      const status = integer(b, 'status', 400, 599, 500, problems);
      return status === undefined ? undefined : { kind, status };
    }
    case 'stall':
    case 'drip': {
      const ms = b['ms'];
      if (!(typeof ms === 'number' && ms >= 0 && ms <= MAX_MS)) {
        problems.push(`field 'ms': expected milliseconds in 0..${MAX_MS}, received ${show(ms)}`);
        return undefined;
      }
      return { kind, ms };
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
      return { kind };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
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
