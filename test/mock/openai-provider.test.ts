import { Agent, request } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigInvalidError } from '../../src/errors.js';
import { until } from '../support/until.js';
import {
  startMockProvider,
  type MockProviderOptions,
  type RunningMockProvider,
} from '../../src/mock/openai-provider.js';

const client = new Agent({ keepAliveTimeout: 10_000 });
const running: RunningMockProvider[] = [];

async function start(options: MockProviderOptions): Promise<RunningMockProvider> {
  const provider = await startMockProvider(options);
  running.push(provider);
  return provider;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${url}/v1/chat/completions`, {
    dispatcher: client,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((provider) => provider.close()));
});
afterAll(() => client.close());

describe('mock OpenAI provider', () => {
  it('answers a well-formed chat.completion with consistent usage', async () => {
    const provider = await start({ name: 'mock-a', latencyMs: 5 });
    const messages = [
      { role: 'system', content: 'You are terse.' }, // 14 chars
      { role: 'user', content: [{ type: 'text', text: 'Say hello to the relay.' }] }, // 23 chars
    ];
    const res = await post(provider.url, { model: 'gpt-test', messages, max_tokens: 40 }, { 'x-request-id': 'rid-1' });

    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('rid-1');
    expect(res.headers['x-mock-provider']).toBe('mock-a');
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-test',
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }],
    });
    expect(body.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(60);
    const { prompt_tokens, completion_tokens, total_tokens } = body.usage;
    expect(prompt_tokens).toBe(Math.ceil((14 + 23) / 4));
    expect(completion_tokens).toBeGreaterThanOrEqual(20);
    expect(completion_tokens).toBeLessThanOrEqual(40);
    expect(total_tokens).toBe(prompt_tokens + completion_tokens);
    // One word per completion token, so content and usage agree.
    expect(body.choices[0].message.content.split(' ')).toHaveLength(completion_tokens);
    expect(provider.served()).toBe(1);
  });

  it('defaults the model, generates a request id, and caps completion tokens', async () => {
    const provider = await start({ name: 'mock-b', latencyMs: 0, model: 'default-model' });
    const res = await post(provider.url, {
      messages: [{ role: 'user', content: 'x' }],
      max_completion_tokens: 1_000_000,
    });
    const body = JSON.parse(res.text);
    expect(body.model).toBe('default-model');
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]+$/);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(4096);
    expect(body.usage.completion_tokens).toBeGreaterThanOrEqual(2048);
  });

  it('draws token counts from the seed', async () => {
    const draw = async (provider: RunningMockProvider): Promise<number[]> => {
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await post(provider.url, { messages: [], max_tokens: 1000 });
        counts.push(JSON.parse(res.text).usage.completion_tokens);
      }
      return counts;
    };
    const first = await draw(await start({ name: 'same', latencyMs: 0, seed: 7 }));
    const second = await draw(await start({ name: 'same', latencyMs: 0, seed: 7 }));
    const other = await draw(await start({ name: 'same', latencyMs: 0, seed: 8 }));
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('honours latencyMs', async () => {
    const provider = await start({ name: 'slow', latencyMs: 200 });
    const started = performance.now();
    const res = await post(provider.url, { messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200 * 0.9);
  });

  it('lists its model in the OpenAI list shape', async () => {
    const provider = await start({ name: 'lister', model: 'gpt-x' });
    const res = await request(`${provider.url}/v1/models`, { dispatcher: client });
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    expect(body.data).toEqual([{ id: 'gpt-x', object: 'model', created: expect.any(Number), owned_by: 'lister' }]);
  });

  it.each([
    ['bad JSON', '{"messages": [', 'invalid_json', null],
    ['a non-object body', '[1,2]', 'invalid_type', null],
    ['missing messages', '{"model":"m"}', 'missing_required_parameter', 'messages'],
    ['a bad max_tokens', '{"messages":[],"max_tokens":0}', 'invalid_value', 'max_tokens'],
  ])('answers 400 in the OpenAI error shape for %s', async (_name, body, code, param) => {
    const provider = await start({ name: 'strict', latencyMs: 0 });
    const res = await post(provider.url, body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param, code },
    });
    expect(provider.served()).toBe(0);
  });

  it('answers 404 on unknown routes', async () => {
    const provider = await start({ name: 'routes' });
    const res = await request(`${provider.url}/v1/embeddings`, { dispatcher: client, method: 'POST', body: '{}' });
    expect(res.statusCode).toBe(404);
    expect(((await res.body.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
  });

  it('streams chunks that add up to the completion, then [DONE]', async () => {
    const provider = await start({ name: 'streamer', latencyMs: 0 });
    const res = await post(provider.url, {
      messages: [{ role: 'user', content: 'stream please' }],
      max_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = res.text
      .split('\n\n')
      .filter(Boolean)
      .map((event) => event.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
    const usage = chunks.at(-1).usage;
    expect(content.split(' ')).toHaveLength(usage.completion_tokens);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
  });

  it('close() ends idle keep-alive and in-flight connections promptly', async () => {
    const provider = await start({ name: 'closer', latencyMs: 0 });
    await post(provider.url, { messages: [] }); // leaves an idle keep-alive socket in `client`
    const slow = await start({ name: 'slow-closer', latencyMs: 30_000 });
    const inFlight = post(slow.url, { messages: [] });
    await until(() => slow.control.stats().inFlight === 1, 5000, 'the request in flight at the mock');

    const started = performance.now();
    await Promise.all([provider.close(), slow.close()]);
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect(inFlight).rejects.toThrow();
    expect(slow.served()).toBe(0);
  });

  it('rejects unusable options', async () => {
    await expect(startMockProvider({ name: 'has space' })).rejects.toBeInstanceOf(ConfigInvalidError);
    await expect(startMockProvider({ name: 'x', latencyMs: -1 })).rejects.toThrow(/latencyMs.*-1/);
  });
});
