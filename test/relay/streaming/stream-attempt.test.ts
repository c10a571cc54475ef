/**
 * Stream attempts end to end over real loopback upstreams: the attempt resolves at the first
 * content chunk; failures before it are ordinary (retryable) failed attempts; after it, a cut
 * surfaces as StreamCutError from `events`.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { VERDICTS } from '../../../src/relay/classify.js';
import { StreamCutError, type RelayResponse } from '../../../src/relay/contract.js';
import { createAttempt } from '../../../src/relay/dialects/attempt.js';
import type { ChatRequest } from '../../../src/relay/dialects/chat-request.js';
import type { Attempt, DialectName } from '../../../src/relay/contract.js';
import type { DialectOutcome } from '../../../src/relay/dialects/dialect.js';
import { createUpstreamClient, type UpstreamClient } from '../../../src/relay/upstream/client.js';
import { startStub, type Stub, type StubBehaviour } from '../stub-upstream.js';
import { sse, target } from '../dialects/helpers.js';

const stubs: Stub[] = [];
let client: UpstreamClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

const request: ChatRequest = {
  model: 'alias',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
};

async function run(
  dialect: DialectName,
  behaviour: StubBehaviour,
  options: { ttfbTimeoutMs?: number; signal?: AbortSignal; body?: ChatRequest } = {},
): Promise<{ outcome: DialectOutcome; stub: Stub }> {
  const stub = await startStub(behaviour);
  stubs.push(stub);
  client = createUpstreamClient({ connectTimeoutMs: 2_000 });
  const t = { ...target(dialect, stub.baseUrl, 'up-model'), ttfbTimeoutMs: options.ttfbTimeoutMs ?? 5_000 };
  const attempt = createAttempt(client, options.body ?? request, 'req-42', { clock: () => 1_700_000_000_000 });
  const outcome = await attempt({
    target: t,
    signal: options.signal ?? new AbortController().signal,
    deadline: Infinity,
  });
  return { outcome, stub };
}

function streamOf(outcome: DialectOutcome): Extract<RelayResponse, { kind: 'stream' }> {
  if (outcome.response?.kind !== 'stream') throw new Error(`expected a stream, got ${JSON.stringify(outcome.verdict)}`);
  return outcome.response;
}

async function collect(events: AsyncIterable<string>): Promise<{ chunks: string[]; error: unknown }> {
  const chunks: string[] = [];
  try {
    for await (const event of events) chunks.push(event);
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

const sseHead = (res: ServerResponse): void => void res.writeHead(200, { 'content-type': 'text/event-stream' });
const openaiChunk = (delta: object, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'up-model',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const later = (ms: number, fn: () => void): void => void setTimeout(fn, ms);

/** Fails fast (instead of at the test timeout) when `promise` does not settle in time. */
function within(promise: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise(
    (_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('stream attempt (loopback upstreams)', () => {
  it('serves an OpenAI stream: resolves at the first content, then yields the rest with usage', async () => {
    const { outcome, stub } = await run('openai', (_req, res) => {
      sseHead(res);
      res.write(sse([[undefined, openaiChunk({ role: 'assistant', content: '' })]]));
      later(30, () => res.write(sse([[undefined, openaiChunk({ content: 'Hel' })]])));
      later(60, () =>
        res.write(
          sse([
            [undefined, openaiChunk({ content: 'lo' })],
            [undefined, openaiChunk({}, 'stop')],
          ]),
        ),
      );
      later(90, () =>
        res.end(
          sse([
            [undefined, { id: 'c1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }],
            [undefined, '[DONE]'],
          ]),
        ),
      );
    });
    expect(outcome.verdict).toBe(VERDICTS.ok);
    const stream = streamOf(outcome);
    expect(stream.firstByteMs).toBeGreaterThan(0);
    expect(JSON.parse(stub.requests[0]!.body)).toMatchObject({
      model: 'up-model',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(stub.requests[0]!.headers['x-request-id']).toBe('req-42');
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks.map((c) => JSON.parse(c).choices[0]?.delta?.content ?? '').join('')).toBe('Hello');
    expect(JSON.parse(chunks.at(-1)!)).toMatchObject({ choices: [], usage: { prompt_tokens: 3 } });
    expect(stream.usage()).toEqual({ promptTokens: 3, completionTokens: 2 });
  });

  it('cuts with StreamCutError when the upstream resets after 2 content chunks', async () => {
    const { outcome } = await run('openai', (req, res) => {
      sseHead(res);
      res.write(sse([[undefined, openaiChunk({ content: 'one' })]]));
      later(30, () => res.write(sse([[undefined, openaiChunk({ content: ' two' })]])));
      later(80, () => req.socket.destroy());
    });
    const { chunks, error } = await collect(streamOf(outcome).events);
    expect(chunks).toHaveLength(2);
    expect(error).toBeInstanceOf(StreamCutError);
    expect((error as StreamCutError).kind).toBe('reset');
  });

  it('fails over-ably when the upstream resets before the first content chunk', async () => {
    const { outcome } = await run('openai', (req, res) => {
      sseHead(res);
      res.write(sse([[undefined, openaiChunk({ role: 'assistant', content: '' })]])); // a role chunk is no content
      later(30, () => req.socket.destroy());
    });
    expect(outcome.response).toBeUndefined();
    expect(outcome.verdict).toEqual({ kind: 'reset', retryable: true });
  });

  it('returns a 503 before any stream as a retryable failure with an OpenAI error body', async () => {
    const { outcome } = await run('anthropic', (_req, res) => {
      res.writeHead(529, { 'content-type': 'application/json', 'retry-after': '2' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    });
    expect(outcome.verdict).toEqual({ kind: 'status_5xx', retryable: true });
    if (outcome.response !== undefined) throw new Error('expected a failure');
    expect(outcome.status).toBe(529);
    expect(outcome.headers?.['retry-after']).toBe('2');
    expect(JSON.parse(String(outcome.body))).toMatchObject({
      error: { message: 'Overloaded', code: 'overloaded_error' },
    });
  });

  it('cuts with StreamCutError(in_band_error) on an Anthropic error event mid-stream', async () => {
    const { outcome, stub } = await run('anthropic', (_req, res) => {
      sseHead(res);
      res.write(
        sse([
          [
            'message_start',
            {
              type: 'message_start',
              message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 4, output_tokens: 1 } },
            },
          ],
          ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }],
        ]),
      );
      later(30, () =>
        res.end(sse([['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]])),
      );
    });
    expect(stub.requests[0]!.path).toBe('/v1/messages');
    const { chunks, error } = await collect(streamOf(outcome).events);
    expect(chunks.map((c) => JSON.parse(c).choices[0].delta.content).join('')).toBe('Hi');
    expect(error).toBeInstanceOf(StreamCutError);
    expect((error as StreamCutError).kind).toBe('in_band_error');
    expect((error as StreamCutError).message).toMatch(/overloaded_error/);
  });

  it('fails the attempt on an Anthropic error event before the first content', async () => {
    const { outcome } = await run('anthropic', (_req, res) => {
      sseHead(res);
      res.end(
        sse([
          [
            'message_start',
            {
              type: 'message_start',
              message: { id: 'msg_1', model: 'claude', usage: { input_tokens: 4, output_tokens: 1 } },
            },
          ],
          ['error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }],
        ]),
      );
    });
    expect(outcome.verdict).toEqual({ kind: 'status_5xx', retryable: true });
    if (outcome.response !== undefined) throw new Error('expected a failure');
    expect(outcome.status).toBe(529);
  });

  it('serves a Gemini SSE stream', async () => {
    const part = (text: string, extra: object = {}) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, ...extra }],
    });
    const { outcome, stub } = await run('gemini', (_req, res) => {
      sseHead(res);
      res.write(sse([[undefined, part('Hel')]]).replaceAll('\n', '\r\n'));
      later(30, () =>
        res.end(
          sse([
            [
              undefined,
              {
                ...part('lo', { finishReason: 'STOP' }),
                usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 2 },
              },
            ],
          ]).replaceAll('\n', '\r\n'),
        ),
      );
    });
    expect(stub.requests[0]!.path).toBe('/v1/models/up-model:streamGenerateContent?alt=sse');
    const stream = streamOf(outcome);
    const { chunks, error } = await collect(stream.events);
    expect(error).toBeUndefined();
    expect(chunks.map((c) => JSON.parse(c).choices[0]?.delta?.content ?? '').join('')).toBe('Hello');
    expect(stream.usage()).toEqual({ promptTokens: 2, completionTokens: 2 });
  });

  it('times out (retryable) when the first content chunk is later than ttfbTimeoutMs', async () => {
    const started = performance.now();
    const { outcome, stub } = await run(
      'openai',
      (_req, res) => {
        sseHead(res);
        res.write(': keep-alive\n\n'); // bytes, but no content
      },
      { ttfbTimeoutMs: 200 },
    );
    const elapsed = performance.now() - started;
    expect(outcome.verdict).toEqual({ kind: 'timeout', retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(3_000);
    await within(stub.clientGone, 3_000, 'releasing the upstream socket');
  });

  it('does not apply ttfbTimeoutMs after the first content chunk', async () => {
    const { outcome } = await run(
      'openai',
      (_req, res) => {
        sseHead(res);
        res.write(sse([[undefined, openaiChunk({ content: 'a' })]]));
        later(400, () =>
          res.end(
            sse([
              [undefined, openaiChunk({ content: 'b' }, 'stop')],
              [undefined, '[DONE]'],
            ]),
          ),
        );
      },
      { ttfbTimeoutMs: 150 },
    );
    const { chunks, error } = await collect(streamOf(outcome).events);
    expect(error).toBeUndefined();
    expect(chunks).toHaveLength(2);
  });

  it('cancel() releases the upstream connection', async () => {
    const { outcome, stub } = await run('openai', (_req, res) => {
      sseHead(res);
      res.write(sse([[undefined, openaiChunk({ content: 'a' })]])); // then never ends
    });
    streamOf(outcome).cancel();
    await within(stub.clientGone, 3_000, 'releasing the upstream socket');
  });

  it('classifies the caller aborting before the first content as aborted (not retryable)', async () => {
    const controller = new AbortController();
    later(50, () => controller.abort(new DOMException('client left', 'AbortError')));
    const { outcome } = await run('openai', (_req, res) => sseHead(res), { signal: controller.signal });
    expect(outcome.verdict).toEqual({ kind: 'aborted', retryable: false });
  });
});

describe('JSON attempt (loopback upstreams)', () => {
  it("is the chain's Attempt (type-checked by tsc)", () => {
    client = createUpstreamClient({ connectTimeoutMs: 1 });
    const attempt: Attempt = createAttempt(client, request, 'r');
    expect(typeof attempt).toBe('function');
  });

  it('translates an Anthropic answer and sends the dialect request', async () => {
    const { outcome, stub } = await run(
      'anthropic',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'claude',
            content: [{ type: 'text', text: 'ok' }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 1, output_tokens: 1 },
          }),
        );
      },
      {
        body: {
          model: 'alias',
          messages: [
            { role: 'system', content: 's' },
            { role: 'user', content: 'hi' },
          ],
        },
      },
    );
    expect(JSON.parse(stub.requests[0]!.body)).toMatchObject({ model: 'up-model', system: 's', max_tokens: 1024 });
    expect(outcome.verdict).toBe(VERDICTS.ok);
    if (outcome.response?.kind !== 'json') throw new Error('expected json');
    expect(JSON.parse(String(outcome.response.body))).toMatchObject({
      created: 1_700_000_000,
      choices: [{ message: { content: 'ok' } }],
    });
  });

  it('classifies a refused connection as connect (retryable)', async () => {
    client = createUpstreamClient({ connectTimeoutMs: 2_000 });
    const stub = await startStub(() => {});
    const url = stub.baseUrl;
    await stub.close();
    const outcome = await createAttempt(
      client,
      { model: 'a', messages: [{ role: 'user', content: 'x' }] },
      'r',
    )({
      target: target('gemini', url, 'g'),
      signal: new AbortController().signal,
      deadline: Infinity,
    });
    expect(outcome.verdict).toEqual({ kind: 'connect', retryable: true });
  });
});
