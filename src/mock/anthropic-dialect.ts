/**
 * The Anthropic Messages dialect: `POST /v1/messages` answered as a `message` with content blocks,
 * or as the SSE sequence message_start, content_block_start, ping, content_block_delta*,
 * content_block_stop, message_delta, message_stop; errors as `{ type: 'error', error: { type,
 * message } }` (529 `overloaded_error`); limits as `anthropic-ratelimit-*` headers (RFC 3339 resets).
 */
import { randomBytes } from 'node:crypto';
import { answerText, tokenText, type Completion } from './completion-plan.js';
import type { MockDialect, SseEvent } from './dialect.js';
import { anthropicErrorBody, parseMessagesRequest } from './anthropic-request.js';

/** Error types and messages by status, as Anthropic documents them. */
const ERRORS: ReadonlyMap<number, [type: string, message: string]> = new Map([
  [400, ['invalid_request_error', 'There was an issue with the format or content of your request.']],
  [401, ['authentication_error', 'invalid x-api-key']],
  [403, ['permission_error', 'Your API key does not have permission to use the specified resource.']],
  [404, ['not_found_error', 'The requested resource could not be found.']],
  [413, ['request_too_large', 'Request exceeds the maximum allowed number of bytes.']],
  [429, ['rate_limit_error', 'This request would exceed your organization\u2019s rate limit. Please try again later.']],
  [500, ['api_error', 'Internal server error']],
  [504, ['timeout_error', 'Request timed out']],
  [529, ['overloaded_error', 'Overloaded']],
]);

function errorOf(status: number): Record<string, unknown> {
  const [type, message] = ERRORS.get(status) ?? (status >= 500 ? ERRORS.get(500)! : ERRORS.get(400)!);
  return anthropicErrorBody(type, message);
}

/** `msg_01` + 22 base58 characters, like Anthropic's ids. */
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Id(prefix: string): string {
  let id = prefix;
  for (const byte of randomBytes(22)) id += BASE58[byte % 58];
  return id;
}

const event = (type: string, data: object): SseEvent => ({ event: type, data: JSON.stringify({ type, ...data }) });

export const anthropicDialect: MockDialect = Object.freeze<MockDialect>({
  name: 'anthropic',
  defaultModel: 'claude-sonnet-4-20250514',
  eol: '\n',
  sendsRetryAfter: true,
  route(method, path) {
    if (method === 'POST' && path === '/v1/messages') return { kind: 'completion' };
    if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
    return undefined;
  },
  parse: (raw) => parseMessagesRequest(raw),
  newId: () => base58Id('msg_01'),
  responseHeaders: () => ({ 'request-id': base58Id('req_01') }),
  json: (c) => ({
    id: c.id,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content: [{ type: 'text', text: answerText(c) }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: usageOf(c, c.completionTokens),
  }),
  stream(c) {
    const message = {
      id: c.id,
      type: 'message',
      role: 'assistant',
      model: c.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageOf(c, 1),
    };
    return {
      head: [
        event('message_start', { message }),
        event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        event('ping', {}),
      ],
      content: (index) =>
        event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: tokenText(c, index) } }),
      tail: [
        event('content_block_stop', { index: 0 }),
        event('message_delta', {
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: c.completionTokens },
        }),
        event('message_stop', {}),
      ],
    };
  },
  errorBody: (status) => errorOf(status),
  errorEvent: (status) => ({ event: 'error', data: JSON.stringify(errorOf(status)) }),
  rateLimitHeaders(snapshot, now) {
    const headers: Record<string, string> = {};
    for (const kind of ['requests', 'tokens'] as const) {
      const state = snapshot[kind];
      if (state === undefined) continue;
      headers[`anthropic-ratelimit-${kind}-limit`] = String(state.limit);
      headers[`anthropic-ratelimit-${kind}-remaining`] = String(state.remaining);
      // RFC 3339 without milliseconds, rounded up so "reset" is never early.
      headers[`anthropic-ratelimit-${kind}-reset`] = new Date(Math.ceil((now + state.resetMs) / 1000) * 1000)
        .toISOString()
        .replace('.000Z', 'Z');
    }
    return headers;
  },
  rateLimitedBody: (limit) =>
    anthropicErrorBody(
      'rate_limit_error',
      `This request would exceed the rate limit for your organization of ${limit === 'requests' ? 'requests' : 'input tokens'} per minute. Please try again later.`,
    ),
  modelsBody: (models) => ({
    data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-05-14T00:00:00Z' })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  }),
  notFoundBody: (method, path) => anthropicErrorBody('not_found_error', `Not found: ${method} ${path}`),
});

function usageOf(c: Completion, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: c.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}
