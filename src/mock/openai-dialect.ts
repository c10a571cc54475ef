/**
 * The OpenAI-compatible dialect (OpenAI, DeepSeek): `POST /v1/chat/completions` answered as a
 * `chat.completion` or as `chat.completion.chunk` events ending in `data: [DONE]`, errors as
 * `{ error: { message, type, param, code } }`, limits as `x-ratelimit-*` headers.
 */
import { randomBytes } from 'node:crypto';
import { answerText, tokenText, type Completion } from './completion-plan.js';
import type { MockDialect, SseEvent } from './dialect.js';
import { openAIErrorBody } from './http-io.js';
import { parseChatRequest } from './openai-request.js';
import { goDuration } from './rate-limiter.js';

const FINGERPRINT = 'fp_relaybench_mock';

/** Error bodies by status, as OpenAI words them. */
const ERRORS: ReadonlyMap<number, [message: string, type: string, code: string | null]> = new Map([
  [400, ['Invalid request.', 'invalid_request_error', null]],
  [401, ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key']],
  [403, ['You are not allowed to access this model.', 'invalid_request_error', 'model_not_found']],
  [404, ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found']],
  [429, ['Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded']],
  [500, ['The server had an error while processing your request. Sorry about that!', 'server_error', null]],
  [502, ['Bad gateway.', 'server_error', null]],
  [503, ['The engine is currently overloaded, please try again later.', 'server_error', null]],
  [504, ['Gateway timeout.', 'server_error', null]],
]);

function errorOf(status: number): ReturnType<typeof openAIErrorBody> {
  const [message, type, code] = ERRORS.get(status) ?? (status >= 500 ? ERRORS.get(503)! : ERRORS.get(400)!);
  return openAIErrorBody(message, code, type);
}

export const openAIDialect: MockDialect = Object.freeze<MockDialect>({
  name: 'openai',
  defaultModel: 'gpt-4.1-mini',
  eol: '\n',
  sendsRetryAfter: true,
  route(method, path) {
    if (method === 'POST' && path === '/v1/chat/completions') return { kind: 'completion' };
    if (method === 'GET' && path === '/v1/models') return { kind: 'models' };
    return undefined;
  },
  parse: (raw) => parseChatRequest(raw),
  newId: () => `chatcmpl-${randomBytes(12).toString('hex')}`,
  responseHeaders(request) {
    const given = request['x-request-id'];
    return {
      'x-request-id': typeof given === 'string' && given !== '' ? given : `req_${randomBytes(12).toString('hex')}`,
    };
  },
  json: (c) => ({
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answerText(c), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageOf(c),
    system_fingerprint: FINGERPRINT,
  }),
  stream(c, includeUsage) {
    const chunk = (choices: unknown[], usage?: unknown): SseEvent => ({
      data: JSON.stringify({
        id: c.id,
        object: 'chat.completion.chunk',
        created: c.created,
        model: c.model,
        system_fingerprint: FINGERPRINT,
        choices,
        ...(includeUsage ? { usage: usage ?? null } : {}),
      }),
    });
    const delta = (content: object, finish: string | null): unknown[] => [
      { index: 0, delta: content, logprobs: null, finish_reason: finish },
    ];
    return {
      head: [chunk(delta({ role: 'assistant', content: '', refusal: null }, null))],
      content: (index) => chunk(delta({ content: tokenText(c, index) }, null)),
      tail: [chunk(delta({}, 'stop')), ...(includeUsage ? [chunk([], usageOf(c))] : []), { data: '[DONE]' }],
    };
  },
  errorBody: (status) => errorOf(status),
  errorEvent: (status) => ({ data: JSON.stringify(errorOf(status)) }),
  rateLimitHeaders(snapshot) {
    const headers: Record<string, string> = {};
    for (const kind of ['requests', 'tokens'] as const) {
      const state = snapshot[kind];
      if (state === undefined) continue;
      headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
      headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
      headers[`x-ratelimit-reset-${kind}`] = goDuration(state.resetMs);
    }
    return headers;
  },
  rateLimitedBody(limit, model, retryAfterS) {
    const what = limit === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
    const message = `Rate limit reached for ${model} in organization org-relaybench on ${what}. Please try again in ${retryAfterS}s.`;
    return openAIErrorBody(message, 'rate_limit_exceeded', limit);
  },
  modelsBody: (models, owner) => ({
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: owner })),
  }),
  notFoundBody: (method, path) => openAIErrorBody(`Unknown request URL: ${method} ${path}.`, 'unknown_url'),
});

function usageOf(c: Completion): Record<string, number> {
  return {
    prompt_tokens: c.promptTokens,
    completion_tokens: c.completionTokens,
    total_tokens: c.promptTokens + c.completionTokens,
  };
}
