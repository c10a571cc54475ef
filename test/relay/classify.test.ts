import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import { classify, VERDICTS, type Classifiable, type Classification } from '../../src/relay/classify.js';

const withCode = (code: string, message = code): Error => Object.assign(new Error(message), { code });
const completion = { id: 'chatcmpl-1', object: 'chat.completion', choices: [] };
const anthropicError = (type: string, message: string) => ({ type: 'error', error: { type, message } });
const geminiError = (code: number, status: string) => ({ error: { code, message: `${status} happened`, status } });

const table: Array<[string, Classifiable, Classification['kind'], boolean]> = [
  // HTTP answers
  ['200 with a completion', { status: 200, body: completion }, 'ok', false],
  ['200, body not inspected', { status: 200 }, 'ok', false],
  ['201 with a completion', { status: 201, body: completion }, 'ok', false],
  ['200 with an error body', { status: 200, body: { error: { message: 'overloaded' } } }, 'error_body', true],
  ['200 with unparseable text', { status: 200, body: '<html>oops' }, 'malformed', true],
  ['200 with an empty body', { status: 200, body: '' }, 'malformed', true],
  ['200 with JSON that is no completion', { status: 200, body: { hello: 1 } }, 'malformed', true],
  ['200 with JSON null', { status: 200, body: null }, 'malformed', true],
  ['429', { status: 429 }, 'status_429', true],
  ['500', { status: 500 }, 'status_5xx', true],
  ['502', { status: 502 }, 'status_5xx', true],
  ['503', { status: 503 }, 'status_5xx', true],
  ['529 (overloaded)', { status: 529 }, 'status_5xx', true],
  ['400 without a refusal marker', { status: 400, body: { error: { code: 'invalid_value' } } }, 'status_4xx', false],
  ['404', { status: 404 }, 'status_4xx', false],
  // refusals about this target (issue 12 item 2): context length and missing model fail over, content policy does not
  [
    'openai 400 context_length_exceeded',
    { status: 400, body: { error: { code: 'context_length_exceeded' } } },
    'context_length',
    true,
  ],
  [
    'openai 400 maximum context length (no code: an OpenAI-compatible server)',
    {
      status: 400,
      body: {
        error: {
          message:
            "This model's maximum context length is 8192 tokens. However, your messages resulted in 8227 tokens.",
          type: 'invalid_request_error',
        },
      },
    },
    'context_length',
    true,
  ],
  [
    'anthropic 400 prompt is too long',
    {
      status: 400,
      body: anthropicError('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'),
      dialect: 'anthropic',
    },
    'context_length',
    true,
  ],
  [
    'gemini 400 input token count exceeds the maximum',
    {
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).',
          status: 'INVALID_ARGUMENT',
        },
      },
      dialect: 'gemini',
    },
    'context_length',
    true,
  ],
  [
    'openai 404 model_not_found',
    {
      status: 404,
      body: {
        error: {
          message: 'The model `gpt-9` does not exist or you do not have access to it.',
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      },
    },
    'model_not_found',
    true,
  ],
  [
    'openai-compatible 400 model decommissioned',
    {
      status: 400,
      body: {
        error: {
          message: 'The model `mixtral-8x7b-32768` has been decommissioned and is no longer supported.',
          type: 'invalid_request_error',
        },
      },
    },
    'model_not_found',
    true,
  ],
  [
    'anthropic 404 not_found_error model: NAME',
    { status: 404, body: anthropicError('not_found_error', 'model: claude-2.0'), dialect: 'anthropic' },
    'model_not_found',
    true,
  ],
  [
    'anthropic 400 "model: Field required" is the request at fault, not a missing model',
    { status: 400, body: anthropicError('invalid_request_error', 'model: Field required'), dialect: 'anthropic' },
    'status_4xx',
    false,
  ],
  [
    'gemini 404 models/NAME is not found',
    {
      status: 404,
      body: {
        error: {
          code: 404,
          message:
            'models/gemini-1.0-pro is not found for API version v1beta, or is not supported for generateContent.',
          status: 'NOT_FOUND',
        },
      },
      dialect: 'gemini',
    },
    'model_not_found',
    true,
  ],
  [
    'azure 400 content_filter',
    {
      status: 400,
      body: {
        error: {
          message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
        },
      },
    },
    'content_filter',
    false,
  ],
  [
    'anthropic 400 output blocked by content filtering policy',
    {
      status: 400,
      body: anthropicError('invalid_request_error', 'Output blocked by content filtering policy'),
      dialect: 'anthropic',
    },
    'content_filter',
    false,
  ],
  ['413', { status: 413 }, 'status_4xx', false],
  ['408 (upstream request timeout)', { status: 408 }, 'timeout', true],
  // auth: the relay's key for that target is wrong; another target may serve
  ['401', { status: 401 }, 'auth', true],
  ['403', { status: 403 }, 'auth', true],
  [
    'anthropic 401 authentication_error',
    { status: 401, body: anthropicError('authentication_error', 'invalid x-api-key'), dialect: 'anthropic' },
    'auth',
    true,
  ],
  [
    'gemini 403 PERMISSION_DENIED',
    { status: 403, body: geminiError(403, 'PERMISSION_DENIED'), dialect: 'gemini' },
    'auth',
    true,
  ],
  // quota: out of credit; fail over, never retry the same target
  [
    'openai 429 insufficient_quota',
    {
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    },
    'quota',
    true,
  ],
  [
    'openai 429 rate_limit_exceeded',
    {
      status: 429,
      body: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    },
    'status_429',
    true,
  ],
  [
    'deepseek 402 Insufficient Balance',
    { status: 402, body: { error: { message: 'Insufficient Balance', type: 'unknown_error' } } },
    'quota',
    true,
  ],
  [
    'anthropic 400 credit balance too low',
    {
      status: 400,
      body: anthropicError('invalid_request_error', 'Your credit balance is too low to access the Anthropic API.'),
      dialect: 'anthropic',
    },
    'quota',
    true,
  ],
  [
    'anthropic 400 invalid_request_error',
    { status: 400, body: anthropicError('invalid_request_error', 'max_tokens: field required'), dialect: 'anthropic' },
    'status_4xx',
    false,
  ],
  [
    '200 with an insufficient_quota error body',
    { status: 200, body: { error: { code: 'insufficient_quota', message: 'quota' } } },
    'quota',
    true,
  ],
  // dialect error bodies
  [
    'anthropic 529 overloaded_error',
    { status: 529, body: anthropicError('overloaded_error', 'Overloaded'), dialect: 'anthropic' },
    'status_5xx',
    true,
  ],
  [
    'anthropic 429 rate_limit_error',
    { status: 429, body: anthropicError('rate_limit_error', 'slow down'), dialect: 'anthropic' },
    'status_429',
    true,
  ],
  [
    'anthropic 500 api_error',
    { status: 500, body: anthropicError('api_error', 'internal'), dialect: 'anthropic' },
    'status_5xx',
    true,
  ],
  [
    'gemini 429 RESOURCE_EXHAUSTED',
    { status: 429, body: geminiError(429, 'RESOURCE_EXHAUSTED'), dialect: 'gemini' },
    'status_429',
    true,
  ],
  [
    'gemini 503 UNAVAILABLE',
    { status: 503, body: geminiError(503, 'UNAVAILABLE'), dialect: 'gemini' },
    'status_5xx',
    true,
  ],
  ['gemini 500 INTERNAL', { status: 500, body: geminiError(500, 'INTERNAL'), dialect: 'gemini' }, 'status_5xx', true],
  [
    'gemini 400 INVALID_ARGUMENT',
    { status: 400, body: geminiError(400, 'INVALID_ARGUMENT'), dialect: 'gemini' },
    'status_4xx',
    false,
  ],
  [
    'gemini 400 API_KEY_INVALID (our key refused: fail over)',
    {
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      },
      dialect: 'gemini',
    },
    'auth',
    true,
  ],
  [
    'gemini array-wrapped 429',
    { status: 429, body: [geminiError(429, 'RESOURCE_EXHAUSTED')], dialect: 'gemini' },
    'status_429',
    true,
  ],
  // what a 2xx must hold, per dialect
  ['anthropic 200 message', { status: 200, body: { type: 'message', content: [] }, dialect: 'anthropic' }, 'ok', false],
  [
    'anthropic 200 with an OpenAI completion',
    { status: 200, body: completion, dialect: 'anthropic' },
    'malformed',
    true,
  ],
  [
    'anthropic 200 with an error body',
    { status: 200, body: anthropicError('overloaded_error', 'Overloaded'), dialect: 'anthropic' },
    'error_body',
    true,
  ],
  ['gemini 200 candidates', { status: 200, body: { candidates: [] }, dialect: 'gemini' }, 'ok', false],
  [
    'gemini 200 blocked prompt',
    { status: 200, body: { promptFeedback: { blockReason: 'SAFETY' } }, dialect: 'gemini' },
    'ok',
    false,
  ],
  [
    'gemini 200 with an error body',
    { status: 200, body: geminiError(503, 'UNAVAILABLE'), dialect: 'gemini' },
    'error_body',
    true,
  ],
  // in-band stream errors
  [
    'stream: anthropic overloaded_error',
    { streamError: anthropicError('overloaded_error', 'Overloaded') },
    'status_5xx',
    true,
  ],
  [
    'stream: anthropic rate_limit_error',
    { streamError: anthropicError('rate_limit_error', 'slow') },
    'status_429',
    true,
  ],
  [
    'stream: anthropic invalid_request_error',
    { streamError: anthropicError('invalid_request_error', 'bad') },
    'status_4xx',
    false,
  ],
  [
    'stream: openai server_error',
    { streamError: { error: { message: 'boom', type: 'server_error' } } },
    'status_5xx',
    true,
  ],
  [
    'stream: openai insufficient_quota',
    { streamError: { error: { message: 'q', type: 'insufficient_quota', code: 'insufficient_quota' } } },
    'quota',
    true,
  ],
  ['stream: gemini UNAVAILABLE', { streamError: geminiError(503, 'UNAVAILABLE') }, 'status_5xx', true],
  [
    'stream: unknown error type',
    { streamError: { error: { message: 'odd', type: 'weird_error' } } },
    'error_body',
    true,
  ],
  ['stream: not an error at all', { streamError: { hello: 1 } }, 'malformed', true],
  ['302', { status: 302 }, 'status_other', true],
  ['101', { status: 101 }, 'status_other', true],
  // connect: nothing reached the provider
  ['ECONNREFUSED', { error: withCode('ECONNREFUSED') }, 'connect', true],
  ['ENOTFOUND', { error: withCode('ENOTFOUND') }, 'connect', true],
  ['EAI_AGAIN', { error: withCode('EAI_AGAIN') }, 'connect', true],
  ['EHOSTUNREACH', { error: withCode('EHOSTUNREACH') }, 'connect', true],
  ['ENETUNREACH', { error: withCode('ENETUNREACH') }, 'connect', true],
  ['undici ConnectTimeoutError', { error: new undiciErrors.ConnectTimeoutError() }, 'connect', true],
  ['happy-eyeballs AggregateError', { error: new AggregateError([withCode('ECONNREFUSED')], 'x') }, 'connect', true],
  // connect: a failed TLS handshake, so nothing was sent either
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', { error: withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE') }, 'connect', true],
  ['SELF_SIGNED_CERT_IN_CHAIN', { error: withCode('SELF_SIGNED_CERT_IN_CHAIN') }, 'connect', true],
  ['CERT_HAS_EXPIRED', { error: withCode('CERT_HAS_EXPIRED') }, 'connect', true],
  ['ERR_TLS_CERT_ALTNAME_INVALID', { error: withCode('ERR_TLS_CERT_ALTNAME_INVALID') }, 'connect', true],
  ['ERR_SSL_WRONG_VERSION_NUMBER', { error: withCode('ERR_SSL_WRONG_VERSION_NUMBER') }, 'connect', true],
  // reset
  ['ECONNRESET', { error: withCode('ECONNRESET') }, 'reset', true],
  ['EPIPE', { error: withCode('EPIPE') }, 'reset', true],
  ['undici SocketError', { error: new undiciErrors.SocketError('closed') }, 'reset', true],
  ['other side closed without code', { error: new Error('other side closed') }, 'reset', true],
  ['socket hang up without code', { error: new Error('socket hang up') }, 'reset', true],
  ['content-length mismatch', { error: new undiciErrors.ResponseContentLengthMismatchError() }, 'reset', true],
  [
    'fetch failed wrapping a reset',
    { error: new TypeError('fetch failed', { cause: withCode('ECONNRESET') }) },
    'reset',
    true,
  ],
  // timeout
  ['attempt timeout (TimeoutError)', { error: new DOMException('attempt timed out', 'TimeoutError') }, 'timeout', true],
  ['AbortSignal.timeout() reason', { error: timeoutReason() }, 'timeout', true],
  ['undici HeadersTimeoutError', { error: new undiciErrors.HeadersTimeoutError() }, 'timeout', true],
  ['undici BodyTimeoutError', { error: new undiciErrors.BodyTimeoutError() }, 'timeout', true],
  ['ETIMEDOUT', { error: withCode('ETIMEDOUT') }, 'timeout', true],
  // aborted by the caller: never retried
  ['AbortError DOMException', { error: new DOMException('client left', 'AbortError') }, 'aborted', false],
  ['undici RequestAbortedError', { error: new undiciErrors.RequestAbortedError() }, 'aborted', false],
  // protocol: the upstream spoke bad HTTP
  ['llhttp parser error', { error: withCode('HPE_INVALID_CONSTANT', 'Expected HTTP/') }, 'protocol', true],
  ['response too large', { error: new undiciErrors.ResponseExceededMaxSizeError() }, 'protocol', true],
  ['headers overflow', { error: new undiciErrors.HeadersOverflowError() }, 'protocol', true],
  // unknown: not retried blindly
  ['plain Error', { error: new Error('boom') }, 'unknown', false],
  ['unlisted code', { error: withCode('EWHATEVER') }, 'unknown', false],
  ['a thrown string', { error: 'boom' }, 'unknown', false],
  ['undefined', { error: undefined }, 'unknown', false],
];

function timeoutReason(): unknown {
  const controller = new AbortController();
  controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  return controller.signal.reason;
}

describe('classify', () => {
  it.each(table.map(([name, input, kind, retryable]) => ({ name, input, kind, retryable })))(
    '$name -> $kind',
    ({ input, kind, retryable }) => {
      expect(classify(input)).toEqual({ kind, retryable });
    },
  );

  it('covers every kind it can return', () => {
    const covered = new Set(table.map(([, , kind]) => kind));
    expect([...covered].sort()).toEqual(Object.keys(VERDICTS).sort());
  });

  it('returns shared frozen verdicts (no allocation per call)', () => {
    expect(classify({ status: 503 })).toBe(VERDICTS.status_5xx);
    expect(Object.isFrozen(classify({ error: withCode('ECONNRESET') }))).toBe(true);
  });

  it('lets quota and auth failures fail over to another target', () => {
    expect(VERDICTS.quota.retryable && VERDICTS.auth.retryable).toBe(true);
  });

  it('does not loop on self-referencing causes', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(classify({ error }).kind).toBe('unknown');
  });
});
