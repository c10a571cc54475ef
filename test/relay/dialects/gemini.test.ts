import { describe, expect, it } from 'vitest';
import { VERDICTS } from '../../../src/relay/classify.js';
import type { ChatRequest } from '../../../src/relay/dialects/chat-request.js';
import { geminiDialect } from '../../../src/relay/dialects/gemini.js';
import { responseContext, sse, target, textOf, translate } from './helpers.js';

const gemini = target('gemini', 'https://generativelanguage.googleapis.com/v1beta', 'gemini-2.5-flash', {
  'x-goog-api-key': 'AIza',
});

const request: ChatRequest = {
  model: 'fast',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather?' },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'rain' },
  ],
  temperature: 0.2,
  top_p: 0.8,
  max_tokens: 100,
  stop: ['END', 'STOP'],
  seed: 7,
  response_format: { type: 'json_object' },
  tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
  tool_choice: 'auto',
};

describe('gemini dialect: request', () => {
  it('maps an OpenAI request to generateContent', () => {
    const out = geminiDialect.buildRequest(gemini, request, 'req-3');
    expect(out.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(out.headers).toMatchObject({ 'x-goog-api-key': 'AIza', 'x-request-id': 'req-3' });
    expect(JSON.parse(out.body)).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/jpeg', data: '/9j/' } }] },
        { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Oslo' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { content: 'rain' } } }] },
      ],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: {
        temperature: 0.2,
        topP: 0.8,
        maxOutputTokens: 100,
        stopSequences: ['END', 'STOP'],
        seed: 7,
        responseMimeType: 'application/json',
      },
      tools: [{ functionDeclarations: [{ name: 'weather', parameters: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    });
  });

  it('streams from :streamGenerateContent?alt=sse, keeping the base query', () => {
    const withQuery = target('gemini', 'https://proxy.example/v1beta?tenant=a', 'models/gemini-pro');
    const out = geminiDialect.buildRequest(
      withQuery,
      { model: 'x', messages: [{ role: 'user', content: 'hi' }], stream: true },
      'r',
    );
    expect(out.path).toBe('/v1beta/models/gemini-pro:streamGenerateContent?tenant=a&alt=sse');
    expect(JSON.parse(out.body)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
  });
});

const answer = {
  candidates: [
    {
      content: {
        role: 'model',
        parts: [{ text: 'thinking...', thought: true }, { text: 'Hello' }, { text: ' world' }],
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 4, thoughtsTokenCount: 6, totalTokenCount: 18 },
  modelVersion: 'gemini-2.5-flash-001',
  responseId: 'resp-1',
};

describe('gemini dialect: response', () => {
  it('translates candidates[0] into a chat.completion with normalised usage', () => {
    const outcome = geminiDialect.parseResponse(200, {}, Buffer.from(JSON.stringify(answer)), responseContext);
    expect(outcome.verdict).toBe(VERDICTS.ok);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(outcome.response.usage).toEqual({ promptTokens: 8, completionTokens: 10 });
    expect(JSON.parse(String(outcome.response.body))).toEqual({
      id: 'resp-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-2.5-flash-001',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello world', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 8, completion_tokens: 10, total_tokens: 18 },
    });
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['OTHER', 'stop'],
  ])('maps finishReason %s to %s', (reason, finish) => {
    const body = { ...answer, candidates: [{ ...answer.candidates[0], finishReason: reason }] };
    const outcome = geminiDialect.parseResponse(200, {}, Buffer.from(JSON.stringify(body)), responseContext);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(JSON.parse(String(outcome.response.body)).choices[0].finish_reason).toBe(finish);
  });

  it('translates functionCall parts into tool_calls', () => {
    const body = {
      candidates: [
        {
          content: { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Oslo' } } }] },
          finishReason: 'STOP',
        },
      ],
    };
    const outcome = geminiDialect.parseResponse(200, {}, Buffer.from(JSON.stringify(body)), responseContext);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    const choice = JSON.parse(String(outcome.response.body)).choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
      refusal: null,
    });
  });

  it('answers a blocked prompt with content_filter', () => {
    const body = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3 } };
    const outcome = geminiDialect.parseResponse(200, {}, Buffer.from(JSON.stringify(body)), responseContext);
    if (outcome.response?.kind !== 'json') throw new Error('expected a json response');
    expect(JSON.parse(String(outcome.response.body)).choices[0]).toMatchObject({
      message: { content: '' },
      finish_reason: 'content_filter',
    });
  });

  it.each<[number, string, string, boolean, string]>([
    [429, 'RESOURCE_EXHAUSTED', 'status_429', true, 'rate_limit_error'],
    [503, 'UNAVAILABLE', 'status_5xx', true, 'server_error'],
    [500, 'INTERNAL', 'status_5xx', true, 'server_error'],
    [400, 'INVALID_ARGUMENT', 'status_4xx', false, 'invalid_request_error'],
  ])('HTTP %i %s -> %s with an OpenAI error body', (status, name, kind, retryable, type) => {
    const body = { error: { code: status, message: `${name} happened`, status: name } };
    const outcome = geminiDialect.parseResponse(status, {}, Buffer.from(JSON.stringify(body)), responseContext);
    expect(outcome.verdict).toEqual({ kind, retryable });
    if (outcome.response !== undefined) throw new Error('expected a failure');
    expect(JSON.parse(String(outcome.body))).toEqual({
      error: { message: `${name} happened`, type, param: null, code: name },
    });
  });
});

const chunk = (parts: object[], extra: object = {}) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  modelVersion: 'gemini-2.5-flash',
  responseId: 'r-s',
});

describe('gemini dialect: stream', () => {
  const streamed = sse([
    [undefined, chunk([{ text: 'Hel' }])],
    [undefined, chunk([{ text: 'lo' }])],
    [
      undefined,
      {
        ...chunk([{ text: '!' }], { finishReason: 'STOP' }),
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3 },
      },
    ],
  ]).replaceAll('\n', '\r\n');

  it('translates each response into OpenAI chunks and ends at EOF after the finish reason', () => {
    const { chunks, end, contentAfter, usage } = translate('gemini', streamed, true);
    expect(end).toBe('done');
    expect(contentAfter).toBe(0);
    expect(usage).toEqual({ promptTokens: 5, completionTokens: 3 });
    expect(textOf(chunks)).toBe('Hello!');
    expect(chunks[0]).toMatchObject({
      id: 'r-s',
      model: 'gemini-2.5-flash',
      choices: [{ delta: { role: 'assistant', content: '' } }],
    });
    expect(chunks.at(-2)).toMatchObject({ choices: [{ delta: {}, finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
  });

  it('calls EOF before a finish reason truncated', () => {
    const { end } = translate('gemini', sse([[undefined, chunk([{ text: 'Hel' }])]]));
    expect(end).toMatchObject({ cut: 'reset', verdict: VERDICTS.reset });
  });

  it('reports an in-band error', () => {
    const { end } = translate(
      'gemini',
      sse([
        [undefined, chunk([{ text: 'Hel' }])],
        [undefined, { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } }],
      ]),
    );
    expect(end).toMatchObject({ cut: 'in_band_error', verdict: VERDICTS.status_5xx, status: 503 });
  });
});
