/**
 * The contract each mock dialect (OpenAI, Anthropic, Gemini) fulfils: routes, request parsing,
 * and rendering of answers, streams, errors and rate-limit signals in its own wire format. The
 * provider (timing, faults, limits, logging) is shared and speaks to dialects only through this.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Completion, MockRequest } from './completion-plan.js';
import type { RateLimitSnapshot } from './rate-limiter.js';

export const DIALECT_NAMES = ['openai', 'anthropic', 'gemini'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export type Route =
  /** `model` and `stream` when the path carries them (Gemini). */
  { readonly kind: 'completion'; readonly model?: string; readonly stream?: boolean } | { readonly kind: 'models' };

export type ParsedRequest =
  | { readonly ok: true; readonly request: MockRequest }
  | { readonly ok: false; readonly status: number; readonly body: unknown };

/** One server-sent event. */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

/** A stream's events: `head` before the first token, one `content` per token, `tail` after. */
export interface StreamEvents {
  readonly head: readonly SseEvent[];
  content(index: number): SseEvent;
  readonly tail: readonly SseEvent[];
}

export interface MockDialect {
  readonly name: DialectName;
  readonly defaultModel: string;
  /** Line ending between SSE fields (Gemini sends `\r\n`). */
  readonly eol: string;
  /** Whether 429s from the rate limiter carry a `Retry-After` header (Gemini's carry RetryInfo instead). */
  readonly sendsRetryAfter: boolean;
  route(method: string, path: string, query: URLSearchParams): Route | undefined;
  parse(raw: Buffer, route: Extract<Route, { kind: 'completion' }>): ParsedRequest;
  newId(): string;
  /** Per-response headers (request ids as the provider names them). */
  responseHeaders(request: IncomingHttpHeaders): OutgoingHttpHeaders;
  json(completion: Completion): unknown;
  stream(completion: Completion, includeUsage: boolean): StreamEvents;
  /** The body this provider sends with `status`; `retryAfterS` where the body carries it. */
  errorBody(status: number, retryAfterS?: number): unknown;
  /** The same error, as an in-band stream event. */
  errorEvent(status: number): SseEvent;
  /** Headers announcing the limits, on every answer while limits are configured. */
  rateLimitHeaders(snapshot: RateLimitSnapshot, nowEpochMs: number): OutgoingHttpHeaders;
  /** The 429 body when a limit refuses a request. */
  rateLimitedBody(limit: 'requests' | 'tokens', model: string, retryAfterS: number): unknown;
  modelsBody(models: readonly string[], owner: string): unknown;
  notFoundBody(method: string, path: string): unknown;
}

/** Serialises events; `eol` separates fields, a blank line ends each event. */
export function formatEvents(events: readonly SseEvent[], eol: string): string {
  let out = '';
  for (const event of events) {
    if (event.event !== undefined) out += `event: ${event.event}${eol}`;
    out += `data: ${event.data}${eol}${eol}`;
  }
  return out;
}

/** An event whose JSON is cut in half: what a broken proxy or a buggy provider sends. */
export function malformedEvent(like: SseEvent): SseEvent {
  return { ...like, data: like.data.slice(0, Math.max(1, Math.floor(like.data.length / 2))) };
}
