import { describe, expect, it } from 'vitest';
import { ask, client, send, sseEvents, start } from './helpers.js';
import { request } from 'undici';

const prompt = 'Say hello to the relay.'; // 23 chars -> 6 tokens

describe('anthropic dialect', () => {
  it('answers a Messages JSON body with msg_ id, content blocks, stop_reason and usage', async () => {
    const provider = await start({ name: 'an', dialect: 'anthropic', latencyMs: 0 });
    const res = await ask(provider, { maxTokens: 40, text: prompt });
    expect(res.status).toBe(200);
    expect(res.headers['request-id']).toMatch(/^req_01[1-9A-HJ-NP-Za-km-z]{22}$/);
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(body.id).toMatch(/^msg_01[1-9A-HJ-NP-Za-km-z]{22}$/);
    expect(body.content).toEqual([{ type: 'text', text: expect.any(String) }]);
    expect(body.usage.input_tokens).toBe(Math.ceil(prompt.length / 4));
    expect(body.usage.output_tokens).toBeGreaterThanOrEqual(20);
    expect(body.usage.output_tokens).toBeLessThanOrEqual(40);
    expect(body.content[0].text.split(' ')).toHaveLength(body.usage.output_tokens);
  });

  it('streams the full Messages event sequence', async () => {
    const provider = await start({ name: 'an', dialect: 'anthropic', latencyMs: 0 });
    const res = await ask(provider, { maxTokens: 10, stream: true });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = sseEvents(res.text);
    const names = events.map((e) => e.event);
    const deltas = names.filter((n) => n === 'content_block_delta').length;
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = events.map((e) => JSON.parse(e.data));
    // Each event's `type` matches its `event:` line.
    expect(data.map((d) => d.type)).toEqual(names);
    expect(data[0].message.id).toMatch(/^msg_01/);
    const text = data
      .filter((d) => d.type === 'content_block_delta')
      .map((d) => d.delta.text)
      .join('');
    const final = data.find((d) => d.type === 'message_delta');
    expect(final.delta.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(deltas);
    expect(text.split(' ')).toHaveLength(deltas);
  });

  it.each([
    ['missing max_tokens', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, /max_tokens/],
    ['missing model', { max_tokens: 5, messages: [] }, /model/],
    ['missing messages', { model: 'm', max_tokens: 5 }, /messages/],
  ])('answers 400 invalid_request_error for %s', async (_name, body, message) => {
    const provider = await start({ name: 'an', dialect: 'anthropic', latencyMs: 0 });
    const res = await send(provider.url, '/v1/messages', body);
    expect(res.status).toBe(400);
    const error = JSON.parse(res.text);
    expect(error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(message) },
    });
  });

  it('lists models in the Anthropic shape', async () => {
    const provider = await start({ name: 'an', dialect: 'anthropic', models: ['claude-a', 'claude-b'] });
    const res = await request(`${provider.url}/v1/models`, { dispatcher: client });
    const body = (await res.body.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ has_more: false, first_id: 'claude-a', last_id: 'claude-b' });
    expect(body['data']).toEqual([
      expect.objectContaining({ type: 'model', id: 'claude-a' }),
      expect.objectContaining({ type: 'model', id: 'claude-b' }),
    ]);
  });
});

describe('gemini dialect', () => {
  it('answers generateContent with candidates and usageMetadata, model from the path', async () => {
    const provider = await start({ name: 'ge', dialect: 'gemini', latencyMs: 0 });
    const res = await ask(provider, { maxTokens: 30, text: prompt, model: 'gemini-x' });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({
      modelVersion: 'gemini-x',
      candidates: [{ content: { role: 'model' }, finishReason: 'STOP', index: 0 }],
    });
    expect(typeof body.responseId).toBe('string');
    const usage = body.usageMetadata;
    expect(usage.promptTokenCount).toBe(Math.ceil(prompt.length / 4));
    expect(usage.candidatesTokenCount).toBeGreaterThanOrEqual(15);
    expect(usage.candidatesTokenCount).toBeLessThanOrEqual(30);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + usage.candidatesTokenCount);
    expect(body.candidates[0].content.parts[0].text.split(' ')).toHaveLength(usage.candidatesTokenCount);
  });

  it('streams SSE with CRLF events, the last carrying finishReason and full usage', async () => {
    const provider = await start({ name: 'ge', dialect: 'gemini', latencyMs: 0 });
    const res = await ask(provider, { maxTokens: 8, stream: true });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.text).toContain('\r\n\r\n');
    const data = sseEvents(res.text).map((e) => JSON.parse(e.data));
    const last = data.at(-1);
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(data.slice(0, -1).every((d) => d.candidates[0].finishReason === undefined)).toBe(true);
    const text = data.map((d) => d.candidates[0].content.parts[0].text).join('');
    expect(text.split(' ')).toHaveLength(last.usageMetadata.candidatesTokenCount);
    expect(new Set(data.map((d) => d.responseId)).size).toBe(1);
  });

  it('answers 400 INVALID_ARGUMENT without contents and 404 NOT_FOUND on unknown paths', async () => {
    const provider = await start({ name: 'ge', dialect: 'gemini', latencyMs: 0 });
    const bad = await send(provider.url, '/v1beta/models/g:generateContent', { contents: [] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({
      error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents') },
    });
    const missing = await send(provider.url, '/v1beta/models/g:embedContent', {});
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error.status).toBe('NOT_FOUND');
  });

  it('lists models as models/<id>', async () => {
    const provider = await start({ name: 'ge', dialect: 'gemini', model: 'gemini-z' });
    const res = await request(`${provider.url}/v1beta/models`, { dispatcher: client });
    const body = (await res.body.json()) as { models: Array<Record<string, unknown>> };
    expect(body.models).toEqual([
      expect.objectContaining({
        name: 'models/gemini-z',
        supportedGenerationMethods: expect.arrayContaining(['generateContent']),
      }),
    ]);
  });
});

describe('openai dialect', () => {
  it('streams role, content, finish and usage chunks, then [DONE]', async () => {
    const provider = await start({ name: 'oa', latencyMs: 0 });
    const res = await ask(provider, { maxTokens: 12, stream: true });
    const events = sseEvents(res.text).map((e) => e.data);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const usage = chunks.at(-1).usage;
    expect(chunks.at(-1).choices).toEqual([]);
    // One content chunk per token.
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).length).toBe(usage.completion_tokens);
  });
});
