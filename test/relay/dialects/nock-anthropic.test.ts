/**
 * The Anthropic dialect against a nock-mocked https://api.anthropic.com/v1: the Messages request
 * the relay sends (x-api-key from `apiKeyEnv`, anthropic-version, system, max_tokens, stop
 * sequences), the message and its event stream translated to OpenAI's shapes, error bodies
 * classified and translated, and an in-band `event: error`. Wire formats from Anthropic's docs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamCutError } from '../../../src/relay/contract.js';
import type { ChatRequest } from '../../../src/relay/dialects/chat-request.js';
import type { UpstreamClient } from '../../../src/relay/upstream/client.js';
import {
  attempt,
  collect,
  CREATED,
  jsonOf,
  nock,
  pieces,
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

const ORIGIN = 'https://api.anthropic.com';
const PATH = '/v1/messages';
const target = targetFor(
  {
    name: 'anthropic/claude-sonnet-4-5',
    dialect: 'anthropic',
    model: 'claude-sonnet-4-5',
    baseUrl: `${ORIGIN}/v1`,
    apiKeyEnv: 'ANTHROPIC_API_KEY',
  },
  { ANTHROPIC_API_KEY: 'sk-ant-test' },
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
  stop: ['END'],
};
const streamRequest: ChatRequest = { ...request, stream: true, stream_options: { include_usage: true } };

/** What the Messages API must receive for `request`. */
const messagesBody = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Say hello.' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Now in German.' }] },
  ],
  system: 'You are terse.',
  temperature: 0.2,
  stop_sequences: ['END'],
};

const message = {
  id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Grüß dich.' }],
  stop_reason: 'stop_sequence',
  stop_sequence: 'END',
  usage: {
    input_tokens: 21,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 8,
    output_tokens: 6,
    service_tier: 'standard',
  },
};

const messageStart = {
  type: 'message_start',
  message: {
    id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'claude-sonnet-4-5-20250929',
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 21, output_tokens: 1 },
  },
};
const textDelta = (text: string) =>
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }] as const;
const recordedStream = sseBody([
  ['message_start', messageStart],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['ping', { type: 'ping' }],
  textDelta('Grüß'),
  textDelta(' dich.'),
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  [
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 6 } },
  ],
  ['message_stop', { type: 'message_stop' }],
]);

/** The translated chunks: role first, the text, the finish, then usage. */
const chunkOf = (delta: object, finish: string | null) => ({
  id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'claude-sonnet-4-5-20250929',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});
const translatedChunks = [
  chunkOf({ role: 'assistant', content: '' }, null),
  chunkOf({ content: 'Grüß' }, null),
  chunkOf({ content: ' dich.' }, null),
  chunkOf({}, 'stop'),
];
const usageChunk = {
  id: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'claude-sonnet-4-5-20250929',
  choices: [],
  usage: { prompt_tokens: 21, completion_tokens: 6, total_tokens: 27 },
};

const overloaded = {
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
  request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
};
const invalid = {
  type: 'error',
  error: {
    type: 'invalid_request_error',
    message:
      'max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5-20250929',
  },
  request_id: 'req_011CSHoFbkX1Ry6PbmU9Jp3d',
};

describe.each(TRANSPORTS)('anthropic dialect over nock (%s)', (_name, makeClient) => {
  let client: UpstreamClient;
  beforeEach(() => {
    client = makeClient();
  });
  afterEach(async () => {
    await client.close();
  });

  function expectAnthropicHeaders(seen: SeenRequest): void {
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe(PATH);
    expect(seen.headers).toMatchObject({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'x-request-id': 'req-an-1',
    });
    expect(seen.headers).not.toHaveProperty('authorization');
    expect(seen.headers).not.toHaveProperty('x-goog-api-key');
  }

  it('maps the request to the Messages API and the message to a chat.completion', async () => {
    const seen: SeenRequest[] = [];
    const scope = replyRecording(nock(ORIGIN).post(PATH), seen, 200, JSON.stringify(message), {
      'content-type': 'application/json',
      'request-id': 'req_011CSHo',
    });

    const outcome = await attempt(client, target, request, 'req-an-1');

    expect(scope.isDone()).toBe(true);
    expectAnthropicHeaders(seen[0]!);
    expect(seen[0]!.body).toEqual(messagesBody);
    expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
    const response = jsonOf(outcome);
    expect(response.model).toBe('claude-sonnet-4-5-20250929');
    // cache reads are prompt tokens too
    expect(response.usage).toEqual({ promptTokens: 29, completionTokens: 6 });
    expect(JSON.parse(String(response.body))).toEqual({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      created: CREATED,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Grüß dich.', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 29, completion_tokens: 6, total_tokens: 35 },
    });
  });

  it('drops the whitespace-only stop sequences Anthropic rejects with a 400', async () => {
    const seen: SeenRequest[] = [];
    replyRecording(nock(ORIGIN).post(PATH).times(2), seen, 200, JSON.stringify(message), {
      'content-type': 'application/json',
    });

    await attempt(client, target, { ...request, stop: ['\n', ' \t', '', 'END'] }, 'req-an-1');
    await attempt(client, target, { ...request, stop: '\n' }, 'req-an-1');

    expect(seen.map((r) => (r.body as Record<string, unknown>)['stop_sequences'])).toEqual([['END'], undefined]);
  });

  it('maps max_tokens to finish_reason length', async () => {
    nock(ORIGIN)
      .post(PATH)
      .reply(200, { ...message, stop_reason: 'max_tokens', stop_sequence: null });
    const body = JSON.parse(String(jsonOf(await attempt(client, target, request, 'req-an-1')).body)) as {
      choices: Array<{ finish_reason: unknown }>;
    };
    expect(body.choices[0]?.finish_reason).toBe('length');
  });

  it('streams: the event stream becomes OpenAI chunks, usage last', async () => {
    const seen: SeenRequest[] = [];
    const scope = replyRecording(nock(ORIGIN).post(PATH), seen, 200, trickle(recordedStream, 7), {
      'content-type': 'text/event-stream; charset=utf-8',
    });

    const outcome = await attempt(client, target, streamRequest, 'req-an-1');

    expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
    const stream = streamOf(outcome);
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks).toEqual([...translatedChunks, usageChunk]);
    expect(stream.usage()).toEqual({ promptTokens: 21, completionTokens: 6 });
    expect(scope.isDone()).toBe(true);
    expectAnthropicHeaders(seen[0]!);
    expect(seen[0]!.body).toEqual({ ...messagesBody, stream: true });
  });

  it('streams without the usage chunk when the client did not ask', async () => {
    nock(ORIGIN).post(PATH).reply(200, recordedStream, { 'content-type': 'text/event-stream' });
    const stream = streamOf(await attempt(client, target, { ...request, stream: true }, 'req-an-1'));
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks).toEqual(translatedChunks);
    expect(stream.usage()).toEqual({ promptTokens: 21, completionTokens: 6 });
  });

  describe.each([
    ['529 overloaded_error', 529, overloaded, { kind: 'status_5xx', retryable: true }, 'server_error'],
    ['400 invalid_request_error', 400, invalid, { kind: 'status_4xx', retryable: false }, 'invalid_request_error'],
  ] as const)('error %s', (_label, status, body, verdict, openAIType) => {
    it.each([false, true])('stream %s: classified, the body translated to OpenAI error shape', async (stream) => {
      const scope = nock(ORIGIN)
        .post(PATH)
        .reply(status, JSON.stringify(body), { 'content-type': 'application/json', 'request-id': body.request_id });

      const outcome = await attempt(client, target, stream ? streamRequest : request, 'req-an-1');

      expect(scope.isDone()).toBe(true);
      expect(outcome.response).toBeUndefined();
      expect(outcome.verdict).toEqual(verdict);
      if (outcome.response !== undefined) return;
      expect(outcome.status).toBe(status);
      expect(outcome.headers?.['request-id']).toBe(body.request_id);
      expect(JSON.parse(outcome.body?.toString('utf8') ?? 'null')).toEqual({
        error: { message: body.error.message, type: openAIType, param: null, code: body.error.type },
      });
    });
  });

  describe('in-band event: error', () => {
    const errorEvent = [
      'error',
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ] as const;

    it('after the first content: the events iterator throws StreamCutError', async () => {
      // Two network reads: an error in the same read as the first content fails the attempt instead (nothing was sent yet).
      const head = sseBody([
        ['message_start', messageStart],
        ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
        textDelta('Grüß'),
      ]);
      nock(ORIGIN)
        .post(PATH)
        .reply(200, pieces([head, sseBody([errorEvent])]), { 'content-type': 'text/event-stream' });

      const outcome = await attempt(client, target, streamRequest, 'req-an-1');

      expect(outcome.verdict).toEqual({ kind: 'ok', retryable: false });
      const { chunks, error } = await collect(streamOf(outcome).events);
      expect(chunks).toEqual(translatedChunks.slice(0, 2));
      expect(error).toBeInstanceOf(StreamCutError);
      expect(error).toMatchObject({
        kind: 'in_band_error',
        message: 'upstream stream error (overloaded_error): Overloaded',
      });
    });

    it('before any content: a failed, retryable attempt with the error translated', async () => {
      nock(ORIGIN)
        .post(PATH)
        .reply(200, sseBody([['message_start', messageStart], ['ping', { type: 'ping' }], errorEvent]), {
          'content-type': 'text/event-stream',
        });

      const outcome = await attempt(client, target, streamRequest, 'req-an-1');

      expect(outcome.response).toBeUndefined();
      expect(outcome.verdict).toEqual({ kind: 'status_5xx', retryable: true });
      if (outcome.response !== undefined) return;
      expect(outcome.status).toBe(529);
      expect(JSON.parse(outcome.body?.toString('utf8') ?? 'null')).toEqual({
        error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded_error' },
      });
    });
  });
});
