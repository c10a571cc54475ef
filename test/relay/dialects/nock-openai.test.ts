/**
 * The OpenAI dialect against a nock-mocked https://api.openai.com/v1: the request the relay sends
 * (path, method, auth from `apiKeyEnv`, body), answers and chunks passed through with usage read,
 * and error bodies classified. Recorded wire formats from OpenAI's API reference.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/relay/dialects/chat-request.js';
import type { UpstreamClient } from '../../../src/relay/upstream/client.js';
import {
  attempt,
  collect,
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

const ORIGIN = 'https://api.openai.com';
const PATH = '/v1/chat/completions';
const target = targetFor(
  {
    name: 'openai/gpt-4o-mini',
    dialect: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: `${ORIGIN}/v1`,
    apiKeyEnv: 'OPENAI_API_KEY',
  },
  { OPENAI_API_KEY: 'sk-test-openai' },
);

const request: ChatRequest = {
  model: 'chat-alias',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello in German.' },
  ],
  max_tokens: 64,
  temperature: 0.2,
  stop: ['\n\n'],
};
const streamRequest: ChatRequest = { ...request, stream: true, stream_options: { include_usage: true } };

const completion = {
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  object: 'chat.completion',
  created: 1741569952,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Grüß dich.', refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 19,
    completion_tokens: 4,
    total_tokens: 23,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_06737a9306',
};

const chunk = (choices: unknown[], usage: unknown = null) => ({
  id: 'chatcmpl-B9N0Jv1uWg2bJqT3cSpPsS7Yp6Fhy',
  object: 'chat.completion.chunk',
  created: 1741570283,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_06737a9306',
  choices,
  usage,
});
const recordedChunks = [
  chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: 'Grüß' }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: { content: ' dich.' }, logprobs: null, finish_reason: null }]),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  chunk([], {
    prompt_tokens: 19,
    completion_tokens: 4,
    total_tokens: 23,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }),
];
const recordedStream = sseBody([...recordedChunks.map((c) => [undefined, c] as const), [undefined, '[DONE]']]);

const rateLimited = {
  error: {
    message:
      'Rate limit reached for gpt-4o-mini in organization org-abc123 on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
};
const outOfQuota = {
  error: {
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};

describe.each(TRANSPORTS)('openai dialect over nock (%s)', (_name, makeClient) => {
  let client: UpstreamClient;
  beforeEach(() => {
    client = makeClient();
  });
  afterEach(async () => {
    await client.close();
  });

  function expectOpenAIHeaders(seen: SeenRequest): void {
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe(PATH);
    expect(seen.headers).toMatchObject({
      authorization: 'Bearer sk-test-openai',
      'content-type': 'application/json',
      'x-request-id': 'req-oa-1',
    });
    expect(seen.headers).not.toHaveProperty('x-api-key');
    expect(seen.headers).not.toHaveProperty('x-goog-api-key');
  }

  it('sends the request as the client wrote it, with the target model and Bearer auth; passes the completion through', async () => {
    const seen: SeenRequest[] = [];
    const text = JSON.stringify(completion);
    const scope = replyRecording(nock(ORIGIN).post(PATH), seen, 200, text, {
      'content-type': 'application/json',
      'x-request-id': 'req_7c1d',
    });

    const outcome = await attempt(client, target, request, 'req-oa-1');

    expect(scope.isDone()).toBe(true);
    expect(seen).toHaveLength(1);
    expectOpenAIHeaders(seen[0]!);
    expect(seen[0]!.body).toEqual({ ...request, model: 'gpt-4o-mini' });
    expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
    const response = jsonOf(outcome);
    expect(response.status).toBe(200);
    expect(String(response.body)).toBe(text); // byte for byte
    expect(response.model).toBe('gpt-4o-mini-2024-07-18');
    expect(response.usage).toEqual({ promptTokens: 19, completionTokens: 4 });
  });

  it('streams: asks upstream for usage, yields the chunks verbatim, the usage chunk last', async () => {
    const seen: SeenRequest[] = [];
    const scope = replyRecording(nock(ORIGIN).post(PATH), seen, 200, trickle(recordedStream, 7), {
      'content-type': 'text/event-stream; charset=utf-8',
    });

    const outcome = await attempt(client, target, streamRequest, 'req-oa-1');

    expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
    const stream = streamOf(outcome);
    expect(stream.model).toBe('gpt-4o-mini');
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks).toEqual(recordedChunks);
    expect(stream.usage()).toEqual({ promptTokens: 19, completionTokens: 4 });
    expect(scope.isDone()).toBe(true);
    expectOpenAIHeaders(seen[0]!);
    expect(seen[0]!.body).toEqual({
      ...request,
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('streams without the usage chunk when the client did not ask, yet still reads usage', async () => {
    const seen: SeenRequest[] = [];
    replyRecording(nock(ORIGIN).post(PATH), seen, 200, recordedStream, { 'content-type': 'text/event-stream' });

    const stream = streamOf(await attempt(client, target, { ...request, stream: true }, 'req-oa-1'));
    const { chunks, error } = await collect(stream.events);

    expect(error).toBeUndefined();
    expect(chunks).toEqual(recordedChunks.slice(0, 4));
    expect(stream.usage()).toEqual({ promptTokens: 19, completionTokens: 4 });
    // the relay needs usage for cost, so upstream is always asked for it
    expect(seen[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  describe.each([
    ['429 rate_limit_exceeded', 429, rateLimited, { kind: 'status_429', retryable: true }],
    ['429 insufficient_quota', 429, outOfQuota, { kind: 'quota', retryable: true }],
  ] as const)('error %s', (_label, status, body, verdict) => {
    it.each([false, true])('stream %s: classified, the OpenAI body passed through byte for byte', async (stream) => {
      const text = JSON.stringify(body);
      const scope = nock(ORIGIN)
        .post(PATH)
        .reply(status, text, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_9f2e' });

      const outcome = await attempt(client, target, stream ? streamRequest : request, 'req-oa-1');

      expect(scope.isDone()).toBe(true);
      expect(outcome.response).toBeUndefined();
      expect(outcome.verdict).toEqual(verdict);
      if (outcome.response !== undefined) return;
      expect(outcome.status).toBe(status);
      expect(outcome.headers?.['x-request-id']).toBe('req_9f2e');
      expect(outcome.body?.toString('utf8')).toBe(text);
    });
  });
});
