/**
 * Acceptance 8: the streaming contract. A stream that fails before its first content byte is an
 * ordinary failed attempt: the client gets a clean stream from the fallback, ending in
 * `data: [DONE]`. A stream cut after content reaches the client as the chunks it had, then an
 * error event, and never `[DONE]`: never a clean-looking 200 stream.
 */
import { APIError } from 'openai';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatBody,
  closeAll,
  delayed,
  openaiError,
  openaiSse,
  startTestRelay,
  startUpstream,
  status,
  streamedText,
  type Behaviour,
} from './support.js';

afterEach(closeAll);

const ROLE_CHUNK = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`;

/** Headers and the role chunk (no content yet), then `then`. */
function roleThen(then: Behaviour): Behaviour {
  return (exchange) => {
    exchange.res.writeHead(200, { 'content-type': 'text/event-stream' });
    exchange.res.write(ROLE_CHUNK);
    exchange.after(30, () => then(exchange));
  };
}

async function primaryAndFallback(primaryBehaviour: Behaviour) {
  const [primary, fallback] = await Promise.all([
    startUpstream(primaryBehaviour),
    startUpstream(openaiSse(['clean ', 'answer'])),
  ]);
  const relay = await startTestRelay({
    providers: [
      {
        name: 'primary',
        dialect: 'openai',
        baseUrl: `${primary.origin}/v1`,
        attemptTimeoutMs: 5_000,
        ttfbTimeoutMs: 300,
      },
      {
        name: 'fallback',
        dialect: 'openai',
        baseUrl: `${fallback.origin}/v1`,
        attemptTimeoutMs: 5_000,
        ttfbTimeoutMs: 5_000,
      },
    ],
    models: {
      gpt: {
        chain: [
          { provider: 'primary', model: 'p' },
          { provider: 'fallback', model: 'f' },
        ],
      },
    },
  });
  return { primary, fallback, relay };
}

describe('a stream failing before its first content byte fails over cleanly', () => {
  const failures: Array<[string, Behaviour]> = [
    ['HTTP 503 instead of a stream', status(503, openaiError('unavailable'))],
    ['a reset after the role chunk', roleThen(({ req }) => req.socket.destroy())],
    [
      'an in-band error event after the role chunk',
      roleThen(({ res }) => res.end(`data: ${JSON.stringify(openaiError('overloaded'))}\n\n`)),
    ],
    ['no content within ttfbTimeoutMs (300 ms)', roleThen(() => {})],
  ];

  it.each(failures)('%s', async (_name, behaviour) => {
    const { primary, fallback, relay } = await primaryAndFallback(behaviour);

    const reply = await relay.stream(chatBody('gpt', { stream: true }));
    expect(reply.status).toBe(200);
    expect(reply.header('content-type')).toMatch(/^text\/event-stream/);
    expect(reply.header('x-relay-provider')).toBe('fallback');
    expect(reply.header('x-relay-attempts')).toBe('2');
    expect(streamedText(reply.events)).toBe('clean answer');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(reply.events.filter((event) => event === '[DONE]')).toHaveLength(1);
    expect(reply.events.some((event) => event.includes('"error"'))).toBe(false);
    // Nothing of the failed attempt leaked: one role chunk, the fallback's.
    expect(reply.events.filter((event) => event.includes('"role":"assistant"'))).toHaveLength(1);
    expect([primary.count, fallback.count]).toEqual([1, 1]);
  });
});

describe('a stream cut after content', () => {
  const cutAfterTwo = openaiSse(['Hel', 'lo'], { cutAfter: 2, gapMs: 20 });

  it('gives the client the chunks it had, then an error event, and no [DONE]', async () => {
    const { primary, fallback, relay } = await primaryAndFallback(cutAfterTwo);

    const reply = await relay.stream(chatBody('gpt', { stream: true }));
    expect(reply.status).toBe(200); // the headers went out with the first chunk
    expect(reply.header('x-relay-provider')).toBe('primary');
    const last = reply.events.at(-1)!;
    expect(JSON.parse(last)).toEqual({
      error: {
        message: expect.stringMatching(/upstream stream broke/),
        type: 'stream_error',
        code: 'upstream_stream_cut',
      },
    });
    expect(streamedText(reply.events.slice(0, -1))).toBe('Hello');
    expect(reply.events).toHaveLength(4); // role, 'Hel', 'lo', error
    expect(reply.events).not.toContain('[DONE]');
    expect(reply.text).not.toContain('[DONE]');
    expect([primary.count, fallback.count]).toEqual([1, 0]); // past the first byte there is no failover
  });

  it('counts the cut against the target, so a provider that cuts every stream is taken out of rotation', async () => {
    const [primary, fallback] = await Promise.all([
      startUpstream(cutAfterTwo),
      startUpstream(openaiSse(['clean ', 'answer'])),
    ]);
    const relay = await startTestRelay({
      providers: [
        { name: 'primary', dialect: 'openai', baseUrl: `${primary.origin}/v1` },
        { name: 'fallback', dialect: 'openai', baseUrl: `${fallback.origin}/v1` },
      ],
      models: {
        gpt: {
          chain: [
            { provider: 'primary', model: 'p' },
            { provider: 'fallback', model: 'f' },
          ],
        },
      },
      policies: { breaker: { consecutiveFailures: 2, openMs: 60_000 } },
    });
    for (let i = 0; i < 2; i++)
      expect((await relay.stream(chatBody('gpt', { stream: true }))).header('x-relay-provider')).toBe('primary');
    const third = await relay.stream(chatBody('gpt', { stream: true }));
    expect(third.header('x-relay-provider')).toBe('fallback');
    expect(third.events).toContain('[DONE]');
    expect([primary.count, fallback.count]).toEqual([2, 1]);
  });

  it('makes the official SDK throw after the chunks it had', async () => {
    const { relay } = await primaryAndFallback(cutAfterTwo);

    const stream = await relay
      .sdk()
      .chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let content = '';
    const error = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(content).toBe('Hello');
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).code).toBe('upstream_stream_cut');
  });

  it('ends an Anthropic stream with an in-band overloaded error the same way', async () => {
    const anthropic = await startUpstream(({ res, after }) => {
      const event = (type: string, data: Record<string, unknown>): string =>
        `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        event('message_start', {
          message: {
            id: 'msg',
            type: 'message',
            role: 'assistant',
            model: 'c',
            content: [],
            usage: { input_tokens: 3, output_tokens: 1 },
          },
        }),
      );
      res.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
      res.write(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'partial' } }));
      // Later, so the content has gone out to the client (in the same read it would still fail over).
      after(50, () => res.end(event('error', { error: { type: 'overloaded_error', message: 'Overloaded' } })));
    });
    const relay = await startTestRelay({
      providers: [{ name: 'anthropic', dialect: 'anthropic', baseUrl: `${anthropic.origin}/v1` }],
      models: { claude: { chain: [{ provider: 'anthropic', model: 'c' }] } },
    });

    const reply = await relay.stream(chatBody('claude', { stream: true }));
    expect(reply.status).toBe(200);
    expect(streamedText(reply.events.slice(0, -1))).toBe('partial');
    expect(JSON.parse(reply.events.at(-1)!).error).toMatchObject({
      type: 'stream_error',
      code: 'upstream_stream_cut',
      message: expect.stringMatching(/overloaded_error/),
    });
    expect(reply.events).not.toContain('[DONE]');
  });
});

describe('stream lifetimes', () => {
  it('cancels the upstream stream when the client leaves mid-stream', async () => {
    const upstream = await startUpstream(
      openaiSse(
        Array.from({ length: 40 }, (_, i) => `w${i} `),
        { gapMs: 100 },
      ),
    );
    const relay = await startTestRelay({
      providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1` }],
      models: { gpt: { chain: [{ provider: 'up', model: 'm' }] } },
    });

    const controller = new AbortController();
    const res = await request(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody('gpt', { stream: true })),
      signal: controller.signal,
    });
    expect(res.statusCode).toBe(200);
    let received = '';
    for await (const chunk of res.body) {
      received += String(chunk);
      if (received.includes('w1 ')) break; // two content chunks in, of forty
    }
    controller.abort();
    // Without the cancel the upstream would keep streaming for another ~4 s.
    await upstream.untilClosedEarly(1, 2_000);
    expect(upstream.closedEarly).toBe(1);
    upstream.behave(openaiSse(['ok']));
    const next = await relay.stream(chatBody('gpt', { stream: true }));
    expect([next.status, streamedText(next.events), upstream.count]).toEqual([200, 'ok', 2]);
  });

  it('hedges a stream whose first chunk is slow, and cancels the slow one', async () => {
    const [slow, fast] = await Promise.all([
      startUpstream(delayed(1_000, openaiSse(['slow']))),
      startUpstream(openaiSse(['fast'])),
    ]);
    const relay = await startTestRelay({
      providers: [
        { name: 'slow', dialect: 'openai', baseUrl: `${slow.origin}/v1` },
        { name: 'fast', dialect: 'openai', baseUrl: `${fast.origin}/v1` },
      ],
      models: {
        gpt: {
          chain: [
            { provider: 'slow', model: 'm' },
            { provider: 'fast', model: 'm' },
          ],
        },
      },
      policies: { hedge: { enabled: true, delayMs: 50, budgetRatio: 1 } },
    });

    const reply = await relay.stream(chatBody('gpt', { stream: true }));
    expect(reply.header('x-relay-provider')).toBe('fast');
    expect(streamedText(reply.events)).toBe('fast');
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(reply.ms).toBeLessThan(500); // not the slow one's 1 s
    expect([slow.count, fast.count]).toEqual([1, 1]);
    await slow.untilClosedEarly(1);
    expect(slow.closedEarly).toBe(1);
  });
});
