/**
 * Issue 12, item 5: a stream that ends without its terminal event (`data: [DONE]`, Anthropic's
 * `message_stop`) but with a finish reason and its final usage, the upstream connection then held
 * open. The relay finalises at once: the client gets the whole answer, the usage chunk and its
 * own `[DONE]`, long before the upstream lets go; the answer counts as a success. Real sockets:
 * mock providers (fault `no_done`) and the relay in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../../src/mock/dialect.js';
import { chatBody, closeAll, startTestRelay, startUpstream, streamedText } from './support.js';
import { applyFault, baseUrlOf, startMock } from './support-mock.js';

afterEach(closeAll);

const HOLD_MS = 10_000;
const KEYS = { E2E_NO_DONE_KEY: 'no-done-test-key' } as const;

async function relayOver(dialect: DialectName) {
  Object.assign(process.env, KEYS);
  const mock = await startMock(`no-done-${dialect}`, dialect);
  const relay = await startTestRelay({
    providers: [
      {
        name: 'up',
        dialect,
        baseUrl: baseUrlOf(mock),
        apiKeyEnv: 'E2E_NO_DONE_KEY',
      },
    ],
    models: { gpt: { chain: [{ provider: 'up', model: 'm' }] } },
    policies: { breaker: { consecutiveFailures: 1 } },
  });
  return { mock, relay };
}

const body = chatBody('gpt', { stream: true, max_tokens: 8, stream_options: { include_usage: true } });

describe.each(['openai', 'anthropic', 'gemini'] as const)('a %s stream without its terminal event', (dialect) => {
  it('is finalised at once with usage and [DONE], not when the upstream closes', async () => {
    const { mock, relay } = await relayOver(dialect);
    await applyFault(mock, { kind: 'no_done', holdMs: HOLD_MS });

    const reply = await relay.stream(body);
    expect(reply.status).toBe(200);
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(streamedText(reply.events).length).toBeGreaterThan(0);
    expect(reply.events.some((e) => e.includes('"finish_reason":"stop"'))).toBe(true);
    const usage = JSON.parse(reply.events.at(-2)!) as { usage?: { completion_tokens: number } };
    expect(usage.usage?.completion_tokens).toBeGreaterThan(0);
    expect(reply.ms).toBeLessThan(2_000); // the upstream holds the connection for 10 s

    // A success: the breaker (open after one failure) still sends the next request upstream.
    const after = await relay.stream(body);
    expect(after.events.at(-1)).toBe('[DONE]');
    expect(mock.control.log.entries().length).toBe(2);
  });
});

describe('a stream with a finish reason but neither usage nor [DONE], the connection held', () => {
  it('is finalised as complete at the idle timeout, not cut', async () => {
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    // An upstream that ignores include_usage and never sends [DONE] nor closes.
    const upstream = await startUpstream(({ res }) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(
        chunk({ role: 'assistant', content: 'Hello' }, null) + chunk({ content: ' there' }, null) + chunk({}, 'stop'),
      );
    });
    const relay = await startTestRelay({
      providers: [{ name: 'up', dialect: 'openai', baseUrl: `${upstream.origin}/v1`, streamIdleTimeoutMs: 400 }],
      models: { gpt: { chain: [{ provider: 'up', model: 'm' }] } },
    });
    const reply = await relay.stream(chatBody('gpt', { stream: true }));
    expect(reply.events.at(-1)).toBe('[DONE]');
    expect(streamedText(reply.events)).toBe('Hello there');
    expect(reply.ms).toBeGreaterThanOrEqual(400 * 0.9);
    expect(reply.ms).toBeLessThan(400 + 2_000);
    await upstream.untilClosedEarly(1); // the relay let go of the held connection
  });
});
