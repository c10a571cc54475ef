/**
 * The Gemini dialect: `generateContent` answered as a GenerateContentResponse (candidates,
 * usageMetadata, modelVersion, responseId); `streamGenerateContent` as SSE events with `\r\n`
 * line ends, one per piece, the last with `finishReason` and full usage, no terminal event;
 * errors as `{ error: { code, message, status } }`; a 429 RESOURCE_EXHAUSTED carries its delay in
 * a RetryInfo detail, not in headers (Gemini sends no rate-limit headers).
 */
import { randomBytes } from 'node:crypto';
import { answerText, tokenText, type Completion } from './completion-plan.js';
import type { MockDialect, SseEvent } from './dialect.js';
import { geminiErrorBody, geminiRoute, parseGenerateRequest } from './gemini-request.js';

/** google.rpc status names and messages by HTTP status. */
const ERRORS: ReadonlyMap<number, [status: string, message: string]> = new Map([
  [400, ['INVALID_ARGUMENT', 'Request contains an invalid argument.']],
  [401, ['UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.']],
  [403, ['PERMISSION_DENIED', 'The caller does not have permission']],
  [404, ['NOT_FOUND', 'Requested entity was not found.']],
  [429, ['RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).']],
  [
    500,
    [
      'INTERNAL',
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    ],
  ],
  [503, ['UNAVAILABLE', 'The model is overloaded. Please try again later.']],
  [504, ['DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.']],
]);

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

function errorOf(code: number, retryAfterS?: number, details: unknown[] = []): Record<string, unknown> {
  const [status, message] = ERRORS.get(code) ?? (code >= 500 ? ERRORS.get(503)! : ERRORS.get(400)!);
  const all =
    retryAfterS === undefined ? details : [...details, { '@type': RETRY_INFO, retryDelay: `${retryAfterS}s` }];
  return geminiErrorBody(code, status, message, all.length === 0 ? undefined : all);
}

export const geminiDialect: MockDialect = Object.freeze<MockDialect>({
  name: 'gemini',
  defaultModel: 'gemini-2.0-flash',
  eol: '\r\n',
  sendsRetryAfter: false,
  route: (method, path) => geminiRoute(method, path),
  parse: (raw, route) => parseGenerateRequest(raw, route),
  newId: () => randomBytes(16).toString('base64url').slice(0, 22),
  responseHeaders: () => ({}),
  json: (c) => ({
    candidates: [{ content: { parts: [{ text: answerText(c) }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: usageOf(c, true),
    modelVersion: c.model,
    responseId: c.id,
  }),
  stream(c) {
    const piece = (text: string, last: boolean): SseEvent => ({
      data: JSON.stringify({
        candidates: [
          { content: { parts: [{ text }], role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 },
        ],
        usageMetadata: usageOf(c, last),
        modelVersion: c.model,
        responseId: c.id,
      }),
    });
    return { head: [], content: (index) => piece(tokenText(c, index), false), tail: [piece('', true)] };
  },
  errorBody: (status, retryAfterS) => errorOf(status, retryAfterS),
  errorEvent: (status) => ({ data: JSON.stringify(errorOf(status)) }),
  rateLimitHeaders: () => ({}),
  rateLimitedBody(limit, model, retryAfterS) {
    const metric = limit === 'requests' ? 'generate_content_requests' : 'generate_content_input_token_count';
    const violation = {
      quotaMetric: `generativelanguage.googleapis.com/${metric}`,
      quotaId: `GenerateRequestsPerMinutePerProjectPerModel`,
      quotaDimensions: { model },
    };
    return errorOf(429, retryAfterS, [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [violation] },
    ]);
  },
  modelsBody: (models) => ({
    models: models.map((id) => ({
      name: `models/${id}`,
      version: '001',
      displayName: id,
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 8192,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    })),
  }),
  notFoundBody: () => errorOf(404),
});

function usageOf(c: Completion, final: boolean): Record<string, unknown> {
  const candidates = final ? c.completionTokens : 0;
  return {
    promptTokenCount: c.promptTokens,
    ...(final ? { candidatesTokenCount: candidates } : {}),
    totalTokenCount: c.promptTokens + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: c.promptTokens }],
  };
}
