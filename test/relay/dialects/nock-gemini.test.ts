/**
 * The Gemini dialect against a nock-mocked https://generativelanguage.googleapis.com/v1beta: the
 * generateContent request the relay sends (x-goog-api-key from `apiKeyEnv`, never a `?key=`;
 * systemInstruction, contents, generationConfig), answers and `alt=sse` streams translated to
 * OpenAI's shapes, and google.rpc error bodies classified and translated. Wire formats from the
 * Gemini API reference (its SSE ends lines with CRLF).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/relay/dialects/chat-request.js';
import type { UpstreamClient } from '../../../src/relay/upstream/client.js';
import {
  attempt,
  collect,
  CREATED,
  jsonOf,
  nock,
  replyRecording,
  sseBody,
  streamOf,
  targetFor,
  trickle,
  TRANSPORTS,
  useNock,
  type SeenRequest,
} from './support/nock-upstream.js';

useNock();

const ORIGIN = 'https://generativelanguage.googleapis.com';
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';
const target = targetFor(
  {
    name: 'gemini/gemini-2.5-flash',
    dialect: 'gemini',
    model: 'gemini-2.5-flash',
    baseUrl: `${ORIGIN}/v1beta`,
    apiKeyEnv: 'GEMINI_API_KEY',
  },
  { GEMINI_API_KEY: 'AIza-test' },
);

const request: ChatRequest = {
  model: 'chat-alias',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello.' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'user', content: 'Now in German.' },
  ],
  max_tokens: 64,
  temperature: 0.2,
  stop: ['\n\n'],
};
const streamRequest: ChatRequest = { ...request, stream: true, stream_options: { include_usage: true } };

/** What generateContent must receive for `request` (the model is in the path, not the body). */
const generateBody = {
  contents: [
    { role: 'user', parts: [{ text: 'Say hello.' }] },
    { role: 'model', parts: [{ text: 'Hello.' }] },
    { role: 'user', parts: [{ text: 'Now in German.' }] },
  ],
  systemInstruction: { parts: [{ text: 'You are terse.' }] },
  generationConfig: { temperature: 0.2, maxOutputTokens: 64, stopSequences: ['\n\n'] },
};

const promptTokensDetails = [{ modality: 'TEXT', tokenCount: 12 }];
const answer = {
  candidates: [{ content: { parts: [{ text: 'Grüß dich.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
  usageMetadata: {
    promptTokenCount: 12,
    candidatesTokenCount: 4,
    totalTokenCount: 41,
    promptTokensDetails,
    thoughtsTokenCount: 25,
  },
  modelVersion: 'gemini-2.5-flash',
  responseId: '4sXjaKq0Hf2o1MkP5rWc6Qo',
};

const recordedStream = sseBody(
  [
    [
      undefined,
      {
        candidates: [{ content: { parts: [{ text: 'Grüß' }], role: 'model' }, index: 0 }],
        usageMetadata: { promptTokenCount: 12, totalTokenCount: 12, promptTokensDetails },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'G8bjaIbAMpS41MkP9t2b-QE',
      },
    ],
    [
      undefined,
      {
        candidates: [{ content: { parts: [{ text: ' dich.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
        usageMetadata: {
          promptTokenCount: 12,
          candidatesTokenCount: 4,
          totalTokenCount: 38,
          promptTokensDetails,
          thoughtsTokenCount: 22,
        },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'G8bjaIbAMpS41MkP9t2b-QE',
      },
    ],
  ],
  '\r\n',
);

const chunkOf = (delta: object, finish: string | null) => ({
  id: 'G8bjaIbAMpS41MkP9t2b-QE',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'gemini-2.5-flash',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});
const translatedChunks = [
  chunkOf({ role: 'assistant', content: '' }, null),
  chunkOf({ content: 'Grüß' }, null),
  chunkOf({ content: ' dich.' }, null),
  chunkOf({}, 'stop'),
];
const usageChunk = {
  id: 'G8bjaIbAMpS41MkP9t2b-QE',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'gemini-2.5-flash',
  choices: [],
  // thinking tokens are billed as output
  usage: { prompt_tokens: 12, completion_tokens: 26, total_tokens: 38 },
};

const rateLimited = {
  error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' },
};
const outOfQuota = {
  error: {
    code: 429,
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
    ],
  },
};
const unavailable = {
  error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' },
};

describe.each(TRANSPORTS)('gemini dialect over nock (%s)', (_name, makeClient) => {
  let client: UpstreamClient;
  beforeEach(() => {
    client = makeClient();
  });
  afterEach(async () => {
    await client.close();
  });

  function expectGeminiHeaders(seen: SeenRequest): void {
    expect(seen.method).toBe('POST');
    expect(seen.headers).toMatchObject({
      'x-goog-api-key': 'AIza-test',
      'content-type': 'application/json',
      'x-request-id': 'req-ge-1',
    });
    expect(seen.headers).not.toHaveProperty('authorization');
    expect(seen.headers).not.toHaveProperty('x-api-key');
  }

  it('maps the request to generateContent and the answer to a chat.completion', async () => {
    const seen: SeenRequest[] = [];
    const scope = replyRecording(nock(ORIGIN).post(GENERATE), seen, 200, JSON.stringify(answer, null, 2), {
      'content-type': 'application/json; charset=UTF-8',
    });

    const outcome = await attempt(client, target, request, 'req-ge-1');

    expect(scope.isDone()).toBe(true);
    expect(seen[0]!.path).toBe(GENERATE); // the key travels in a header, never in the URL
    expectGeminiHeaders(seen[0]!);
    expect(seen[0]!.body).toEqual(generateBody);
    expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
    const response = jsonOf(outcome);
    expect(response.model).toBe('gemini-2.5-flash');
    expect(response.usage).toEqual({ promptTokens: 12, completionTokens: 29 });
    expect(JSON.parse(String(response.body))).toEqual({
      id: '4sXjaKq0Hf2o1MkP5rWc6Qo',
      object: 'chat.completion',
      created: CREATED,
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Grüß dich.', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 29, total_tokens: 41 },
    });
  });

  it('maps MAX_TOKENS to finish_reason length', async () => {
    const truncated = { ...answer, candidates: [{ ...answer.candidates[0], finishReason: 'MAX_TOKENS' }] };
    nock(ORIGIN).post(GENERATE).reply(200, truncated);
    const body = JSON.parse(String(jsonOf(await attempt(client, target, request, 'req-ge-1')).body)) as {
      choices: Array<{ finish_reason: unknown }>;
    };
    expect(body.choices[0]?.finish_reason).toBe('length');
  });

  it('streams from streamGenerateContent?alt=sse: events become OpenAI chunks, usage after EOF', async () => {
    const seen: SeenRequest[] = [];
    const scope = replyRecording(
      nock(ORIGIN).post(STREAM).query({ alt: 'sse' }),
      seen,
      200,
      trickle(recordedStream, 7),
      { 'content-type': 'text/event-stream' },
    );

    const outcome = await attempt(client, target, streamRequest, 'req-ge-1');

    expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
    const stream = streamOf(outcome);
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks).toEqual([...translatedChunks, usageChunk]);
    expect(stream.usage()).toEqual({ promptTokens: 12, completionTokens: 26 });
    expect(scope.isDone()).toBe(true);
    expect(seen[0]!.path).toBe(`${STREAM}?alt=sse`);
    expectGeminiHeaders(seen[0]!);
    expect(seen[0]!.body).toEqual(generateBody); // streaming is in the path, not the body
  });

  it('streams without the usage chunk when the client did not ask', async () => {
    nock(ORIGIN).post(STREAM).query({ alt: 'sse' }).reply(200, recordedStream, { 'content-type': 'text/event-stream' });
    const stream = streamOf(await attempt(client, target, { ...request, stream: true }, 'req-ge-1'));
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks).toEqual(translatedChunks);
    expect(stream.usage()).toEqual({ promptTokens: 12, completionTokens: 26 });
  });

  describe.each([
    [
      '429 RESOURCE_EXHAUSTED (rate limit)',
      429,
      rateLimited,
      { kind: 'status_429', retryable: true },
      'rate_limit_error',
    ],
    // "exceeded your current quota" is how Google words an exhausted (e.g. daily) quota
    ['429 RESOURCE_EXHAUSTED (quota)', 429, outOfQuota, { kind: 'quota', retryable: true }, 'insufficient_quota'],
    ['503 UNAVAILABLE', 503, unavailable, { kind: 'status_5xx', retryable: true }, 'server_error'],
  ] as const)('error %s', (_label, status, body, verdict, openAIType) => {
    it.each([false, true])('stream %s: classified, the body translated to OpenAI error shape', async (stream) => {
      const interceptor = stream ? nock(ORIGIN).post(STREAM).query({ alt: 'sse' }) : nock(ORIGIN).post(GENERATE);
      const scope = interceptor.reply(status, JSON.stringify(body, null, 2), {
        'content-type': 'application/json; charset=UTF-8',
      });

      const outcome = await attempt(client, target, stream ? streamRequest : request, 'req-ge-1');

      expect(scope.isDone()).toBe(true);
      expect(outcome.response).toBeUndefined();
      expect(outcome.verdict).toEqual(verdict);
      if (outcome.response !== undefined) return;
      expect(outcome.status).toBe(status);
      expect(JSON.parse(outcome.body?.toString('utf8') ?? 'null')).toEqual({
        error: { message: body.error.message, type: openAIType, param: null, code: body.error.status },
      });
    });
  });
});
