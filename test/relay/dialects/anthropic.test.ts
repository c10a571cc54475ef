import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../../src/relay/classify.js';
import { anthropicDialect } from '../../../src/relay/dialects/anthropic.js';
import type { ChatRequest } from '../../../src/relay/dialects/chat-request.js';
import { responseContext, sse, target, textOf, translate } from './helpers.js';

const claude = target('anthropic', 'https://api.anthropic.com/v1', 'claude-sonnet-4-5', {
  'x-api-key': 'sk-ant',
  'anthropic-version': '2023-06-01',
});

const request: ChatRequest = {
  model: 'smart',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'developer', content: [{ type: 'text', text: 'No emoji.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
      ],
    },
    {
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
    },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'a cat' },
    { role: 'user', content: 'And now?' },
  ],
  temperature: 1.5,
  top_p: 0.9,
  stop: 'END',
  user: 'u-1',
  tools: [
    {
      type: 'function',
      function: {
        name: 'lookup',
        description: 'search',
        parameters: { type: 'object', properties: { q: { type: 'string' } } },
      },
    },
  ],
  tool_choice: 'required',
};

const message = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'text', text: 'Hello' },
    { type: 'text', text: ' there' },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 10, cache_creation_input_tokens: 2, cache_read_input_tokens: 3, output_tokens: 7 },
};

describe('anthropic dialect: request', () => {
  it('maps an OpenAI request to the Messages API', () => {
    const out = anthropicDialect.buildRequest(claude, request, 'req-9');
    expect(out.path).toBe('/v1/messages');
    expect(out.headers).toMatchObject({
      'x-api-key': 'sk-ant',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'x-request-id': 'req-9',
    });
    expect(JSON.parse(out.body)).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'Be brief.\n\nNo emoji.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } },
          ],
        },
        // the tool result and the next user turn merge into one user turn
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a cat' },
            { type: 'text', text: 'And now?' },
          ],
        },
      ],
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
      tools: [
        {
          name: 'lookup',
          description: 'search',
          input_schema: { type: 'object', properties: { q: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
    });
  });

  it('takes max_completion_tokens over max_tokens and sets stream', () => {
    const out = anthropicDialect.buildRequest(
      claude,
      {
        model: 'x',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 5,
        max_completion_tokens: 9,
        stream: true,
      },
      'r',
    );
    expect(JSON.parse(out.body)).toMatchObject({
      max_tokens: 9,
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });
});

describe('anthropic dialect: response', () => {
  it('translates a message into a chat.completion with normalised usage', () => {
    const outcome = anthropicDialect.parseResponse(200, {}, Buffer.from(JSON.stringify(message)), responseContext);
    expect(outcome.verdict).toBe(VERDICTS.ok);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(outcome.response.usage).toEqual({ promptTokens: 15, completionTokens: 7 });
    expect(outcome.response.elapsedMs).toBe(12);
    expect(JSON.parse(String(outcome.response.body))).toEqual({
      id: 'msg_01',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 15, completion_tokens: 7, total_tokens: 22 },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps stop_reason %s to finish_reason %s', (reason, finish) => {
    const outcome = anthropicDialect.parseResponse(
      200,
      {},
      Buffer.from(JSON.stringify({ ...message, stop_reason: reason })),
      responseContext,
    );
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(JSON.parse(String(outcome.response.body)).choices[0].finish_reason).toBe(finish);
  });

  it('translates tool_use blocks into tool_calls', () => {
    const body = {
      ...message,
      content: [{ type: 'tool_use', id: 'toolu_2', name: 'lookup', input: { q: 'y' } }],
      stop_reason: 'tool_use',
    };
    const outcome = anthropicDialect.parseResponse(200, {}, Buffer.from(JSON.stringify(body)), responseContext);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(JSON.parse(String(outcome.response.body)).choices[0].message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'toolu_2', type: 'function', function: { name: 'lookup', arguments: '{"q":"y"}' } }],
      refusal: null,
    });
  });

  it.each<[number, object, string, boolean, string]>([
    [
      529,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      'status_5xx',
      true,
      'server_error',
    ],
    [
      429,
      { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } },
      'status_429',
      true,
      'rate_limit_error',
    ],
    [
      400,
      { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } },
      'status_4xx',
      false,
      'invalid_request_error',
    ],
    [
      401,
      { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } },
      'auth',
      true,
      'authentication_error',
    ],
    [200, { type: 'error', error: { type: 'api_error', message: 'oops' } }, 'error_body', true, 'server_error'],
  ])('HTTP %i error -> %s with an OpenAI error body', (status, body, kind, retryable, type) => {
    const outcome = anthropicDialect.parseResponse(
      status,
      { 'retry-after': '3' },
      Buffer.from(JSON.stringify(body)),
      responseContext,
    );
    expect(outcome.response).toBeUndefined();
    expect(outcome.verdict).toEqual({ kind, retryable });
    if (outcome.response !== undefined) return;
    expect(outcome.status).toBe(status);
    expect(outcome.headers?.['retry-after']).toBe('3');
    const error = (body as { error: { type: string; message: string } }).error;
    expect(JSON.parse(String(outcome.body))).toEqual({
      error: { message: error.message, type, param: null, code: error.type },
    });
  });
});

const streamed = sse([
  [
    'message_start',
    {
      type: 'message_start',
      message: {
        id: 'msg_s',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 25, output_tokens: 1 },
      },
    },
  ],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['ping', { type: 'ping' }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '!' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  [
    'content_block_start',
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_9', name: 'get', input: {} },
    },
  ],
  [
    'content_block_delta',
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
  ],
  [
    'content_block_delta',
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
  ],
  ['content_block_stop', { type: 'content_block_stop', index: 1 }],
  [
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 15 } },
  ],
  ['message_stop', { type: 'message_stop' }],
]);

describe('anthropic dialect: stream', () => {
  it('translates the event stream into OpenAI chunks', () => {
    const { chunks, end, contentAfter, usage } = translate('anthropic', streamed, true);
    expect(end).toBe('done');
    expect(contentAfter).toBe(3); // the first text_delta, not message_start or ping
    expect(usage).toEqual({ promptTokens: 25, completionTokens: 15 });
    expect(textOf(chunks)).toBe('Hello!');
    expect(chunks[0]).toMatchObject({
      id: 'msg_s',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'claude-x',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    const deltas = chunks.map((c) => (c['choices'] as Array<{ delta: unknown; finish_reason: unknown }>)[0]);
    expect(deltas.slice(3, 6)).toEqual([
      {
        index: 0,
        delta: {
          tool_calls: [{ index: 0, id: 'toolu_9', type: 'function', function: { name: 'get', arguments: '' } }],
        },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
        logprobs: null,
        finish_reason: null,
      },
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
        logprobs: null,
        finish_reason: null,
      },
    ]);
    expect(deltas[6]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks[7]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 },
    });
    expect(chunks).toHaveLength(8);
  });

  it('sends no usage chunk unless asked', () => {
    const { chunks, usage } = translate('anthropic', streamed, false);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(usage).toEqual({ promptTokens: 25, completionTokens: 15 });
  });

  it('reports an in-band error event as an in_band_error fault', () => {
    const text = sse([
      [
        'message_start',
        { type: 'message_start', message: { id: 'm', model: 'c', usage: { input_tokens: 1, output_tokens: 1 } } },
      ],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }],
      ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
    ]);
    const { end, chunks } = translate('anthropic', text);
    expect(textOf(chunks)).toBe('Hi');
    if (end === 'done') throw new Error('expected a fault');
    expect(end.cut).toBe('in_band_error');
    expect(end.verdict).toEqual({ kind: 'status_5xx', retryable: true });
    expect(end.status).toBe(529);
    expect(end.message).toMatch(/overloaded_error.*Overloaded/);
    expect(JSON.parse(String(end.body))).toMatchObject({ error: { message: 'Overloaded', code: 'overloaded_error' } });
  });

  it('calls a stream that ends before its stop reason truncated', () => {
    const text = sse([
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }],
    ]);
    const { end } = translate('anthropic', text);
    expect(end).toMatchObject({ cut: 'reset', verdict: VERDICTS.reset });
  });

  it('calls a non-JSON event malformed', () => {
    expect(translate('anthropic', 'event: message_start\ndata: {oops\n\n').end).toMatchObject({
      cut: 'malformed',
      verdict: VERDICTS.malformed,
    });
  });
});
